// Measured arithmetic peak of this machine: builds bench/peak-probe.c with gcc into .cache/bench
// (keyed by the source's hash) and runs its fp32 FMA and int8 VNNI loops on N threads.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runJson } from './child-json.js';

const exec = promisify(execFile);

/** The probe's C source in the repository (dist/bench -> bench/). */
export const PROBE_SOURCE = fileURLToPath(new URL('../../bench/peak-probe.c', import.meta.url));

export interface PeakResult {
  kind: 'fp32' | 'int8';
  threads: number;
  seconds: number;
  /** GFLOP/s (fp32) or Gop/s (int8), 2 ops per multiply-add. */
  gops: number;
}

/** Compiles the probe once per source version; returns the binary's path. */
export async function buildPeakProbe(cacheRoot: string): Promise<string> {
  const source = readFileSync(PROBE_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = join(cacheRoot, 'bench');
  const binary = join(dir, `peak-probe-${hash}`);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    await exec('gcc', ['-O2', '-mavx512f', '-mavx512vnni', '-pthread', PROBE_SOURCE, '-o', binary]);
  }
  return binary;
}

/** Best of `repeats` runs (a peak is a maximum; slower runs were disturbed). */
export async function measurePeak(binary: string, kind: 'fp32' | 'int8', threads: number, iterations: number, repeats: number): Promise<PeakResult> {
  let best: PeakResult | undefined;
  for (let i = 0; i < repeats; i++) {
    const result = await runJson<PeakResult>(binary, [kind, String(threads), String(iterations)], { timeoutMs: 120_000 });
    if (!best || result.gops > best.gops) best = result;
  }
  return best as PeakResult;
}
