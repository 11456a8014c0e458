// `make bench`: side by side on the same model files, (a) `vharness infer` vs a bare
// onnxruntime-node loop, (b) int8 vs fp32 at batch 1 and 32, (c) achieved GFLOP/s vs the
// measured FMA / VNNI peak, (d) model build time. Prints a machine line and the ratios.
// Usage: node dist/bench/run.js [--quick] [--fp32 PATH [--int8 PATH]] [--threads N] [--markdown FILE]
//        [--skip-build] [--cache-dir DIR (where the peak probe is built; default .cache)]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCpuList } from '../agent/cpu-list.js';
import { collectSysInfo, processAffinity } from '../agent/sysinfo.js';
import { PRECISIONS } from '../harness/core/vocabulary.js';
import type { InferReport } from '../harness/infer/infer-text.js';
import { benchModels, timeModelBuild, type BenchModel } from './bench-models.js';
import { runJson } from './child-json.js';
import { buildPeakProbe, measurePeak, type PeakResult } from './peak-probe.js';
import { goalMark, median } from './stats.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'vharness.js');
const bareLoop = fileURLToPath(new URL('./bare-loop.js', import.meta.url));

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    fp32: { type: 'string' },
    int8: { type: 'string' },
    threads: { type: 'string' },
    markdown: { type: 'string' },
    'skip-build': { type: 'boolean' },
    'cache-dir': { type: 'string' },
  },
});

/** Step counts: full for recorded numbers, quick to check the bench works. */
const plan = values.quick
  ? { rounds: 1, b1: { warmup: 3, steps: 10 }, b32: { warmup: 1, steps: 2 }, peakIterations: 5_000_000, peakRepeats: 1 }
  : { rounds: 5, b1: { warmup: 20, steps: 300 }, b32: { warmup: 3, steps: 15 }, peakIterations: 100_000_000, peakRepeats: 3 };
const threads = values.threads === undefined ? processAffinity().length : Number(values.threads);
if (!Number.isInteger(threads) || threads < 1) throw new Error(`Expected --threads to be an integer >= 1, got '${values.threads}'`);

const lines: string[] = [];
const say = (line = ''): void => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};
const note = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
const f = (v: number | null, digits = 1): string => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));

async function inferIps(model: BenchModel, batch: number, steps: { warmup: number; steps: number }): Promise<number> {
  const args = [cli, 'infer', '--model', model.path, '--precision', model.precision, '--batch', String(batch), '--threads', String(threads)];
  args.push('--warmup', String(steps.warmup), '--steps', String(steps.steps), '--json');
  const report = await runJson<InferReport>(process.execPath, args);
  if (!report.speed) throw new Error('vharness infer printed no speed');
  return report.speed.throughput_ips;
}

async function bareIps(model: BenchModel, batch: number, steps: { warmup: number; steps: number }): Promise<number> {
  const args = [bareLoop, model.path, String(batch), String(threads), String(steps.warmup), String(steps.steps)];
  return (await runJson<{ throughput_ips: number }>(process.execPath, args)).throughput_ips;
}

const sys = collectSysInfo();
const flags = Object.entries(sys.flags)
  .filter(([, on]) => on)
  .map(([name]) => name)
  .join(' ');
say(`machine: ${sys.cpuModel} · ${sys.sockets} socket(s), ${sys.cores} cores, ${sys.threads} threads, affinity ${formatCpuList(sys.affinity)} · ${flags}${sys.virtualized ? ' · virtualized' : ''}`);
say(`software: ${sys.os}, kernel ${sys.kernel}, node ${sys.nodeVersion}, onnxruntime-node ${sys.onnxruntimeVersion}; ${threads} intra-op threads; ${values.quick ? 'QUICK run (small step counts, not for the record)' : `${plan.rounds} rounds, median`}`);

const models = await benchModels({ fp32: values.fp32, int8: values.int8, log: note });
for (const m of [models.fp32, models.int8]) say(`model ${m.precision}: ${m.arch} ${m.path} sha256 ${m.sha256 ?? '-'}${m.macsPerImage ? ` · ${(m.macsPerImage / 1e9).toFixed(2)} GMAC/image` : ''}`);
say();

// (a) and (b, batch 1): alternate harness and bare loop so drift hits both alike, and swap
// which goes first every round (ABBA): the first process after a pause tended to run slower.
const batch1: Record<'fp32' | 'int8', { infer: number[]; bare: number[] }> = { fp32: { infer: [], bare: [] }, int8: { infer: [], bare: [] } };
for (let round = 1; round <= plan.rounds; round++) {
  for (const model of [models.fp32, models.int8]) {
    note(`round ${round}/${plan.rounds}: ${model.precision} batch 1`);
    const side = batch1[model.precision];
    if (round % 2 === 1) {
      side.infer.push(await inferIps(model, 1, plan.b1));
      side.bare.push(await bareIps(model, 1, plan.b1));
    } else {
      side.bare.push(await bareIps(model, 1, plan.b1));
      side.infer.push(await inferIps(model, 1, plan.b1));
    }
  }
}
const b1 = {
  fp32: { infer: median(batch1.fp32.infer), bare: median(batch1.fp32.bare) },
  int8: { infer: median(batch1.int8.infer), bare: median(batch1.int8.bare) },
};
say('(a) vharness infer vs a bare onnxruntime-node loop, batch 1 (goal >= 0.98)');
for (const p of PRECISIONS) {
  const ratio = b1[p].infer / b1[p].bare;
  say(`    ${p}: infer ${f(b1[p].infer)} img/s, bare ${f(b1[p].bare)} img/s -> ${f(ratio, 3)} ${goalMark(ratio, 0.98)}`);
}

note('batch 32');
const b32 = { fp32: await inferIps(models.fp32, 32, plan.b32), int8: await inferIps(models.int8, 32, plan.b32) };
say('(b) int8 vs fp32 throughput (goals >= 3.0x at batch 1, >= 3.5x at batch 32)');
const r1 = b1.int8.infer / b1.fp32.infer;
const r32 = b32.int8 / b32.fp32;
say(`    batch 1:  fp32 ${f(b1.fp32.infer)} img/s (${f(1000 / b1.fp32.infer)} ms), int8 ${f(b1.int8.infer)} img/s (${f(1000 / b1.int8.infer)} ms) -> ${f(r1, 2)}x ${goalMark(r1, 3.0)}`);
say(`    batch 32: fp32 ${f(b32.fp32)} img/s, int8 ${f(b32.int8)} img/s -> ${f(r32, 2)}x ${goalMark(r32, 3.5)}`);

say('(c) achieved vs measured peak (2 ops per multiply-add)');
let peaks: { fp32: PeakResult | null; int8: PeakResult | null } = { fp32: null, int8: null };
if (!sys.flags.avx512f) {
  say('    skipped: no AVX-512 on this CPU (the probe uses AVX-512 FMA and VNNI)');
} else {
  try {
    const binary = await buildPeakProbe(values['cache-dir'] ?? join(root, '.cache'));
    note('peak probe');
    peaks = {
      fp32: await measurePeak(binary, 'fp32', threads, plan.peakIterations, plan.peakRepeats),
      int8: sys.flags.avx512_vnni ? await measurePeak(binary, 'int8', threads, plan.peakIterations, plan.peakRepeats) : null,
    };
  } catch (error) {
    say(`    peak probe failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  for (const p of PRECISIONS) {
    const macs = models[p].macsPerImage;
    const peak = peaks[p];
    const unit = p === 'fp32' ? 'GFLOP/s' : 'Gop/s';
    if (macs === null) {
      say(`    ${p}: model MACs unknown (a user's file): no achieved figure`);
      continue;
    }
    const achieved32 = (2 * macs * b32[p]) / 1e9;
    const achieved1 = (2 * macs * b1[p].infer) / 1e9;
    const peakText = peak ? `${f(peak.gops)} ${unit} peak (${p === 'fp32' ? 'vfmadd231ps' : 'vpdpbusd'}, ${peak.threads} threads)` : 'no peak measured';
    const share = (v: number): string => (peak ? `${f((100 * v) / peak.gops)}%` : '-');
    say(`    ${p}: batch 32 ${f(achieved32)} ${unit} = ${share(achieved32)}, batch 1 ${f(achieved1)} ${unit} = ${share(achieved1)} of ${peakText}`);
  }
  if (sys.flags.amx_int8) say('    note: this CPU has AMX (amx_int8); onnxruntime may use AMX tiles for int8, so the VNNI peak is not a ceiling there');
}

say('(d) model build time, empty cache (goals: fp32 <= 15 s, int8 <= 30 s)');
if (values['skip-build'] || values.fp32 !== undefined) {
  say('    skipped (--skip-build, or model files were given)');
} else {
  const cache = mkdtempSync(join(tmpdir(), 'vharness-bench-cache-'));
  try {
    note('building fp32 in an empty cache');
    const fp32 = await timeModelBuild('fp32', cache);
    note('building int8 (its fp32 source is now cached)');
    const int8Only = await timeModelBuild('int8', cache);
    rmSync(cache, { recursive: true, force: true });
    note('building int8 in an empty cache');
    const int8Cold = await timeModelBuild('int8', cache);
    say(`    fp32: ${f(fp32, 2)} s ${goalMark(15 - fp32, 0)}`);
    say(`    int8: ${f(int8Only, 2)} s with its fp32 source cached ${goalMark(30 - int8Only, 0)}; ${f(int8Cold, 2)} s from nothing (fp32 build included)`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

if (values.markdown !== undefined) {
  writeFileSync(values.markdown, `\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
  note(`wrote ${values.markdown}`);
}
