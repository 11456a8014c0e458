// Counters of what disturbs a measurement, read before and after the measuring loop: CPU and
// steal ticks of this process's CPUs (/proc/stat) and the process's involuntary context
// switches (getrusage). Unreadable sources leave their counters at 0.
import { readFileSync } from 'node:fs';
import type { RunNoise } from './protocol.js';
import { processAffinity } from './sysinfo.js';

export interface NoiseSnapshot {
  cpuTicks: number;
  stealTicks: number;
  involuntarySwitches: number;
}

/** Sums the `cpuN` lines of /proc/stat for `cpus` (all ticks, and the steal column). */
export function cpuTicks(statText: string, cpus: readonly number[]): { total: number; steal: number } {
  let total = 0;
  let steal = 0;
  const wanted = new Set(cpus);
  for (const line of statText.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m || !wanted.has(Number(m[1]))) continue;
    // user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
    const fields = (m[2] as string).trim().split(/\s+/).map(Number).slice(0, 8);
    for (const v of fields) total += Number.isFinite(v) ? v : 0;
    steal += Number.isFinite(fields[7]) ? (fields[7] as number) : 0;
  }
  return { total, steal };
}

/** Reads the counters now; `cpus` defaults to this process's affinity. */
export function noiseSnapshot(cpus: readonly number[] = processAffinity()): NoiseSnapshot {
  let stat = '';
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    // not Linux: no tick counters
  }
  const ticks = cpuTicks(stat, cpus);
  return { cpuTicks: ticks.total, stealTicks: ticks.steal, involuntarySwitches: process.resourceUsage().involuntaryContextSwitches };
}

/** What happened between two snapshots. */
export function noiseBetween(before: NoiseSnapshot, after: NoiseSnapshot): RunNoise {
  return {
    cpuTicks: after.cpuTicks - before.cpuTicks,
    stealTicks: after.stealTicks - before.stealTicks,
    involuntarySwitches: after.involuntarySwitches - before.involuntarySwitches,
  };
}
