// How wide are the 95% intervals of the demo's VM vs bare-metal throughput ratios, and how do
// they shrink with more trials? One local run of configs/demo.yaml's throughput-metric
// workloads (throughput, scaling, multistream) with --repeats N (default 10), then for k in
// 3, 5, N the paired Fieller interval of the first k interleaved trials of each pair (the
// same rule the run's comparisons use). Goal: half-width within ±2% at the demo's 3 repeats.
// Usage: node dist/bench/verdict-intervals.js [--repeats N] [--only WORKLOADS] [--run DIR (reuse a finished run)] [--markdown FILE]
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { collectSysInfo } from '../agent/sysinfo.js';
import { loadRun } from '../harness/results/run-reader.js';
import { fiellerRatio } from '../harness/results/statistics.js';
import { WORKLOAD_METRIC } from '../harness/core/vocabulary.js';
import type { CellSummary } from '../harness/results/types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ options: { repeats: { type: 'string' }, only: { type: 'string' }, run: { type: 'string' }, markdown: { type: 'string' } } });
const repeats = Number(values.repeats ?? 10);
if (!Number.isInteger(repeats) || repeats < 3) throw new Error(`Expected --repeats to be an integer >= 3, got '${values.repeats}'`);

const load = (): string => loadavg().map((v) => v.toFixed(1)).join(' / ');
const loadBefore = load();
let dir = values.run;
let seconds = 0;
if (dir === undefined) {
  const results = mkdtempSync(join(tmpdir(), 'vharness-bench-ci-'));
  const began = Date.now();
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bin/vharness.js'), 'run', join(root, 'configs/demo.yaml'), '--only', values.only ?? 'throughput,scaling,multistream', '--repeats', String(repeats), '--results-dir', results, '--no-report', '--json'], { maxBuffer: 256 * 2 ** 20 }).catch(
    (error: { stdout: string }) => error,
  );
  seconds = (Date.now() - began) / 1000;
  dir = join(results, (JSON.parse(stdout) as { run_id: string }).run_id);
}
const loadAfter = load();
const run = await loadRun(dir);
const byKey = new Map(run.summary.cells.map((c) => [c.key, c]));
const values3 = (c: CellSummary): number[] => (c.status === 'completed' ? c.trials.map((t) => t.throughput_ips) : []);
const ks = [...new Set([3, 5, repeats])].filter((k) => k <= repeats);
const rows: string[][] = [];
const widths = new Map<number, number[]>();
// Throughput-metric workloads only (latency cells compare mean latency, not throughput).
for (const c of run.summary.comparisons.filter((x) => x.kind === 'vm_vs_baremetal' && WORKLOAD_METRIC[x.workload].name === 'throughput_ips')) {
  const a = byKey.get(c.a);
  const b = byKey.get(c.b);
  if (!a || !b) continue;
  const va = values3(a);
  const vb = values3(b);
  const row = [`${c.workload} ${c.precision} ${c.workload === 'scaling' ? `n${c.instances}` : `c${c.configuration}`}`, c.ratio === null ? '-' : c.ratio.toFixed(3)];
  for (const k of ks) {
    const fit = va.length >= k && vb.length >= k ? fiellerRatio(va.slice(0, k), vb.slice(0, k), true) : undefined;
    if (fit?.kind === 'bounded') {
      const half = ((fit.ci95[1] - fit.ci95[0]) / 2 / fit.ratio) * 100;
      row.push(`±${half.toFixed(1)}%`);
      widths.set(k, [...(widths.get(k) ?? []), half]);
    } else row.push(fit ? 'unbounded' : '-');
  }
  row.push(`${a.status === 'completed' ? a.validity : 'failed'} / ${b.status === 'completed' ? b.validity : 'failed'}`);
  rows.push(row);
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const sys = collectSysInfo();
const lines = [
  `machine: ${sys.cpuModel}, ${sys.threads} CPUs, ${(sys.memoryBytes / 2 ** 30).toFixed(0)} GiB, node ${sys.nodeVersion}; load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}`,
  `run: ${dir}${seconds > 0 ? ` (${seconds.toFixed(0)} s for ${repeats} trials per cell)` : ''}`,
  '',
  `| VM vs bare metal (throughput) | ratio (all ${repeats}) | ${ks.map((k) => `95% CI half-width, first ${k} trials`).join(' | ')} | VM / bare metal cell |`,
  `|---|---|${ks.map(() => '---').join('|')}|---|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  `| median | | ${ks.map((k) => `±${median(widths.get(k) ?? []).toFixed(1)}%`).join(' | ')} | |`,
  '',
  `goal: ±2% at 3 trials: ${median(widths.get(3) ?? []) <= 2 ? 'met' : 'not met'} (median half-width ±${median(widths.get(3) ?? []).toFixed(1)}%)`,
];
process.stdout.write(`${lines.join('\n')}\n`);
if (values.markdown) writeFileSync(values.markdown, `${lines.join('\n')}\n`);
