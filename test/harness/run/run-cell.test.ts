// One cell with real agents on the tiny model through open -> trials -> close: a cell completes
// with one record per trial, and one broken instance fails its cell with the reason while the
// next cell still runs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureModel } from '../../../model/resolve.js';
import { loadConfig } from '../../../harness/config/load.js';
import type { Config } from '../../../harness/config/types.js';
import { silentLogger } from '../../../harness/log.js';
import { expandCells } from '../../../harness/plan/expand.js';
import type { Provider, Target } from '../../../harness/providers/provider.js';
import type { CellContext } from '../../../harness/run/cell-context.js';
import type { CellRecord } from '../../../harness/results/cell-record.js';
import type { Cell } from '../../../harness/plan/cell.js';
import { cellRecord, closeCell, openCell, runTrial, trialsLeft } from '../../../harness/run/run-cell.js';
import { spawnLocalAgent } from '../../../harness/transport/local.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const brokenAgent = join(root, 'test/fixtures/agents/exit-early.mjs');
const misbehavingAgent = join(root, 'test/fixtures/agents/misbehaving.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'vharness-cell-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function target(name: string, agentScript?: string, env?: NodeJS.ProcessEnv): Target {
  return {
    name,
    host: hostname(),
    vcpus: 1,
    memoryGB: 1,
    notes: [],
    stageModel: async (path) => path,
    launch: ({ label }) => spawnLocalAgent({ label, ...(agentScript === undefined ? {} : { agentScript }), ...(env === undefined ? {} : { env }) }),
  };
}

function provider(targets: () => Target[]): Provider {
  return {
    kind: 'local',
    preflight: async () => [],
    acquire: async () => targets(),
    facts: async () => [],
    shutdown: async () => undefined,
  };
}

async function runCell(cell: Cell, ctx: CellContext): Promise<CellRecord> {
  const open = await openCell(cell, ctx);
  try {
    while (trialsLeft(open) > 0) await runTrial(open);
  } finally {
    await closeCell(open);
  }
  return cellRecord(open);
}

describe('a cell across its trials', () => {
  let config: Config;
  let ctx: Omit<CellContext, 'provider'>;
  before(async () => {
    const file = join(tmp, 'cell.yaml');
    writeFileSync(file, 'name: cell\nmodel: { arch: tiny }\nprecisions: [fp32]\nbaremetal: false\nstartLeadMs: 200\nconfigurations: [{ id: 1, vms: 2, vcpus: 1, memoryGB: 1 }]\nworkloads:\n  - { kind: throughput, configuration: 1, batch: 2, measure: { warmup: 1, steps: 5, durationMs: 100, repeats: 2 } }\n');
    config = await loadConfig(file);
    const model = await ensureModel('tiny', 'fp32');
    ctx = { config, models: { fp32: { path: model.path, sha256: model.sha256 } }, providerCtx: { runId: 'test', log: silentLogger }, log: silentLogger, onPhase: () => undefined, onSysinfo: () => undefined };
  });

  it('fails the cell with the broken instance named, then the next cell completes', async () => {
    const [cell] = expandCells(config);
    assert.ok(cell);
    const failed = await runCell(cell, { ...ctx, provider: provider(() => [target('vm-good'), target('vm-broken', brokenAgent)]) });
    assert.equal(failed.summary.status, 'failed');
    const error = failed.summary.status === 'failed' ? failed.summary.error : '';
    assert.match(error, /vm-broken/);
    assert.match(error, /exited with code 3|cannot start/);
    assert.ok(!('throughput_ips' in failed.summary), 'a failed cell carries no statistics');

    const ok = await runCell(cell, { ...ctx, provider: provider(() => [target('vm-a'), target('vm-b')]) });
    assert.equal(ok.summary.status, 'completed', ok.summary.status === 'failed' ? ok.summary.error : '');
    assert.equal(ok.trials.length, 2, 'one record per trial');
    assert.ok(ok.trials.every((t) => t.status === 'completed' && t.instances.length === 2));
    assert.ok(ok.summary.status === 'completed' && ok.summary.throughput_ips.mean > 0 && ok.summary.throughput_ips.n === 2);
    assert.ok(ok.trials.every((t) => t.instances.every((i) => i.starts_ms.length >= 5 && i.clock !== null && i.noise !== undefined)));
  });

  it('fails the cell when an agent sends garbage, naming the instance and what it sent', async () => {
    const [cell] = expandCells(config);
    assert.ok(cell);
    const garbage = target('vm-garbage', misbehavingAgent, { ...process.env, VHARNESS_MISBEHAVE: 'garbage' });
    const record = await runCell(cell, { ...ctx, provider: provider(() => [target('vm-good'), garbage]) });
    assert.equal(record.summary.status, 'failed');
    assert.match(record.summary.error ?? '', /vm-garbage: the agent broke the protocol: a line that is not JSON; received "Welcome to the machine! \(not JSON\)"/);
  });

  it('fails the cell when the provider cannot acquire targets', async () => {
    const [cell] = expandCells(config);
    assert.ok(cell);
    const record = await runCell(cell, {
      ...ctx,
      provider: provider(() => {
        throw new Error('no capacity left');
      }),
    });
    assert.equal(record.summary.status, 'failed');
    assert.equal(record.summary.status === 'failed' ? record.summary.error : '', 'no capacity left');
    assert.equal(record.setup, null);
  });
});
