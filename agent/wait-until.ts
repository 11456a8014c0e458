// Waiting for an agent-clock instant precisely: timers wake up late by up to a few ms, so
// sleep in slices until the last millisecond, then spin.
import { nowNs } from './run-batches.js';

const SPIN_NS = 1_000_000;
const SLEEP_SLICE_MS = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves at `at` (agent ns) or as soon as `cancelled()` is true (polled between sleeps); true when reached. */
export async function waitUntil(at: number, cancelled: () => boolean): Promise<boolean> {
  for (;;) {
    if (cancelled()) return false;
    const leftMs = (at - SPIN_NS - nowNs()) / 1e6;
    if (leftMs <= 0) break;
    await sleep(Math.min(leftMs, SLEEP_SLICE_MS));
  }
  while (nowNs() < at) {
    // spin the last millisecond
  }
  return true;
}
