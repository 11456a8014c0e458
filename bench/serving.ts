// Server scenario bench: at what fraction of the closed-loop throughput does the server
// scenario (Poisson arrivals, one image per query) keep its p99 within the bound, on a VM
// (a CPU partition of this machine on the local inventory) and on bare metal?
// Runs `vharness run` on a generated config (one instance on all CPUs of this machine, both
// targets) and reads the QPS found and the closed-loop QPS of each cell.
// Usage: node dist/bench/serving.js [--quick] [--arch resnet50|tiny|FILE] [--bound MS] [--markdown FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCpuList } from '../agent/cpu-list.js';
import { collectSysInfo, processAffinity } from '../agent/sysinfo.js';
import type { CellSummary, RunSummary } from '../harness/results/types.js';
import { runJson } from './child-json.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'vharness.js');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    arch: { type: 'string' },
    bound: { type: 'string' },
    markdown: { type: 'string' },
  },
});
const arch = values.arch ?? 'resnet50';
const bound = Number(values.bound ?? 15);
if (!(bound > 0)) throw new Error(`Expected --bound to be a number > 0, got '${values.bound}'`);
const cpus = processAffinity().length;
/** Runs: full for recorded numbers, quick to check the bench works. */
const sizes = values.quick
  ? { minQueries: 200, minDurationMs: 500, probe: { minQueries: 60, minDurationMs: 300 }, maxProbes: 3, warmup: 2 }
  : { minQueries: 1000, minDurationMs: 10_000, probe: { minQueries: 300, minDurationMs: 4000 }, maxProbes: 6, warmup: 20 };

const config = `name: bench-serving
model: { arch: ${JSON.stringify(arch)}, seed: 1 }
precisions: [int8]
startLeadMs: 1000
configurations:
  - { id: 1, vms: 1, vcpus: ${cpus}, memoryGB: 4 }
workloads:
  - kind: server
    configuration: 1
    boundMs: ${bound}
    maxBatch: 1
    concurrency: 1
    warmup: ${sizes.warmup}
    minQueries: ${sizes.minQueries}
    minDurationMs: ${sizes.minDurationMs}
    probe: { minQueries: ${sizes.probe.minQueries}, minDurationMs: ${sizes.probe.minDurationMs} }
    maxProbes: ${sizes.maxProbes}
    tolerance: 0.05
`;

const dir = mkdtempSync(join(tmpdir(), 'vharness-bench-serving-'));
try {
  const file = join(dir, 'serving.yaml');
  writeFileSync(file, config);
  const summary = await runJson<RunSummary>(process.execPath, [cli, 'run', file, '--results-dir', join(dir, 'results'), '--no-report', '--json'], { timeoutMs: 3_600_000 });
  const info = collectSysInfo();
  const lines = [
    `machine: ${info.cpuModel} · ${info.sockets} socket(s), ${info.cores} cores, ${info.threads} threads, affinity ${formatCpuList(processAffinity())}${info.virtualized ? ' · virtualized' : ''}`,
    `software: node ${info.nodeVersion}, onnxruntime-node ${info.onnxruntimeVersion}; model ${arch} int8, batch 1 per query, ${cpus} intra-op threads, one instance`,
    `server scenario: Poisson arrivals, p99 bound ${bound} ms (queueing included); confirming run >= ${sizes.minQueries} queries and ${sizes.minDurationMs / 1000} s; VM = a CPU partition of this machine (local inventory)`,
    '',
    '| target | closed-loop QPS | QPS found (p99 <= bound) | found / closed-loop | p50 ms | p99 ms | p99.9 ms | over bound | LoadGen validity | probes (QPS: p99 ms) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const row = (c: CellSummary): string => {
    const s = c.server;
    if (c.status !== 'completed' || !s) return `| ${c.target} | failed: ${c.status === 'failed' ? c.error : 'no server results'} |||||||||`;
    const fraction = s.closed_loop_qps ? `${((s.qps_found / s.closed_loop_qps) * 100).toFixed(0)}%` : '-';
    const probes = s.probes.map((p) => `${p.qps.toFixed(0)}: ${p.p99_ms === null ? 'unserved' : p.p99_ms.toFixed(1)}`).join(', ');
    const validity = c.reasons.length === 0 ? c.validity : `${c.validity}: ${c.reasons.join('; ')}`;
    const fmt = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(1));
    return `| ${c.target === 'vm' ? 'VM' : 'bare metal'} | ${fmt(s.closed_loop_qps ?? undefined)} | ${fmt(s.qps_found)} | ${fraction} | ${fmt(s.latency_ms?.p50)} | ${fmt(s.latency_ms?.p99)} | ${fmt(s.latency_ms?.p999)} | ${(s.over_bound_fraction * 100).toFixed(2)}% | ${validity} | ${probes} |`;
  };
  for (const c of summary.cells) lines.push(row(c));
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (values.markdown) writeFileSync(values.markdown, text);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
