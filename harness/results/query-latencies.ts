// Per-query latency of the open-loop scenarios, from the raw schedule and batches: batches
// take queries in arrival order (FIFO), so query k completes with the batch that holds it.
// Latency = completion - scheduled arrival: queueing included, as LoadGen measures it.

export interface QueryLatencies {
  /** One per served query, in arrival order (same unit as the inputs). */
  latencies: number[];
  /** Scheduled queries no batch took (dispatching gave up or was stopped). */
  unserved: number;
}

/** Latencies of the served queries; `arrivals` and `ends` must share a clock and unit. */
export function queryLatencies(arrivals: readonly number[], sizes: readonly number[], ends: readonly number[]): QueryLatencies {
  const latencies: number[] = [];
  let k = 0;
  sizes.forEach((size, j) => {
    const end = ends[j] as number;
    for (let q = 0; q < size && k < arrivals.length; q++, k++) latencies.push(end - (arrivals[k] as number));
  });
  return { latencies, unserved: arrivals.length - k };
}
