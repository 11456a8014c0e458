// `vharness plan` on the embedded default: cells, placement, totals, findings, estimate; no side effects.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'vharness-plan-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const vharness = (args: string[]) => promisify(execFile)(process.execPath, [join(root, 'bin/vharness.js'), ...args], { cwd: tmp });

interface PlanJson {
  cells: { key: string; instances: number; total_vcpus: number | null; estimate_s: number }[];
  findings: { level: string; target: string; message: string }[];
  largest_cell: { vcpus: number; memory_gb: number };
  estimate_s: number;
}

describe('vharness plan', () => {
  it('lists the table3 matrix with placement, totals, overcommit findings and an estimate', async () => {
    const { stdout } = await vharness(['plan', join(root, 'configs/table3.yaml'), '--json']);
    const plan = JSON.parse(stdout) as PlanJson;
    // The study's 44 cells, then the server and offline extension on config 2 (2 precisions x 2 targets each).
    assert.equal(plan.cells.length, 52);
    assert.ok(plan.cells.some((c) => c.key === 'server/int8/vm/c2') && plan.cells.some((c) => c.key === 'offline/fp32/baremetal/c2'));
    assert.deepEqual(plan.largest_cell, { vcpus: 96, memory_gb: 720 });
    assert.equal(plan.cells.find((c) => c.key === 'scaling/fp32/vm/c10')?.total_vcpus, 96);
    assert.ok(plan.findings.some((f) => f.target === 'vm' && f.level === 'info' && /config 10: vm-c10-1 cpus/.test(f.message)));
    assert.ok(plan.findings.some((f) => f.level === 'warn' && /CPU overcommit: 96 vCPUs/.test(f.message)));
    assert.ok(plan.estimate_s > 0 && plan.cells.every((c) => c.estimate_s > 0));
    assert.deepEqual(readdirSync(tmp), [], 'plan creates nothing');
  });

  it('prints a table and honours --only / --precision', async () => {
    const { stdout } = await vharness(['plan', join(root, 'configs/ci.yaml'), '--only', 'latency', '--precision', 'int8']);
    assert.match(stdout, /latency\/int8\/vm\/c1/);
    assert.doesNotMatch(stdout, /fp32|scaling/);
    assert.match(stdout, /2 cells; largest cell: 2 vCPUs, 1 GB/);
    assert.match(stdout, /estimated duration: /);
  });

  it('rejects an unknown workload with exit code 2', async () => {
    await assert.rejects(vharness(['plan', join(root, 'configs/ci.yaml'), '--only', 'training']), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 2);
      assert.match(e.stderr ?? '', /Expected --only to be one or more of latency, throughput, scaling, multistream, server, offline \(comma-separated\), got 'training'/);
      return true;
    });
  });
});
