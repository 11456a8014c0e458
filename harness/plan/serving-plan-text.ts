// How `vharness plan` describes an open-loop cell: its batching and its LoadGen-style run.
import type { Cell } from './cell.js';

/** Batch and run columns of a server/offline cell; undefined for the study's workloads. */
export function servingPlanText(cell: Cell): { batch: string; run: string } | undefined {
  const w = cell.workload;
  if (w.kind !== 'server' && w.kind !== 'offline') return undefined;
  const sessions = w.concurrency > 1 ? ` x ${w.concurrency} sessions` : '';
  const batch = w.maxBatch > 1 ? `dynamic <= ${w.maxBatch}${sessions}` : `1${sessions}`;
  const minimum = `>= ${w.run.minQueries} queries, ${w.run.minDurationMs / 1000} s`;
  return { batch, run: w.kind === 'server' ? `p99 <= ${w.boundMs} ms search, then ${minimum}` : minimum };
}
