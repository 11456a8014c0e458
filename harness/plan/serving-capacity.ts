// How big the closed-loop capacity probe of the open-loop scenarios is (shared by the
// runner and the plan's estimate).
import type { ServingWorkload } from '../config/types.js';

/** Queries of the offline run that measures an instance's capacity before a server search or an offline run. */
export function capacityProbeQueries(w: ServingWorkload): number {
  const minimum = w.kind === 'server' ? w.probe.minQueries : 64;
  return Math.max(minimum, 8 * w.maxBatch * w.concurrency);
}
