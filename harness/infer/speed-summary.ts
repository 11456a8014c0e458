// One instance's speed figures from its raw per-batch samples (pure): latency statistics,
// first inference, throughput over the measured span.
import type { RunBatchesResult } from '../../agent/run-batches.js';
import { latencyStats } from '../results/percentiles.js';
import type { LatencyStats } from '../results/types.js';

export interface SpeedSummary {
  batch: number;
  warmup: number;
  steps: number;
  images: number;
  /** From the first measured start to the last measured end, seconds. */
  measured_s: number;
  throughput_ips: number;
  /** Per-batch latency, ms. */
  latency_ms: LatencyStats | null;
  first_inference_ms: number | null;
  peak_rss_bytes: number;
  stopped: boolean;
}

/** Summarizes raw samples; percentiles come from the samples themselves, never from averages. */
export function summarizeSpeed(result: RunBatchesResult): SpeedSummary {
  const latencies = result.starts.map((s, i) => ((result.ends[i] as number) - s) / 1e6);
  const first = result.starts[0];
  const last = result.ends.at(-1);
  const measured = first === undefined || last === undefined ? 0 : (last - first) / 1e9;
  const images = result.starts.length * result.batch;
  return {
    batch: result.batch,
    warmup: result.warmupDone,
    steps: result.starts.length,
    images,
    measured_s: measured,
    throughput_ips: measured > 0 ? images / measured : 0,
    latency_ms: latencyStats(latencies),
    first_inference_ms: result.firstBatchMs,
    peak_rss_bytes: result.peakRssBytes,
    stopped: result.stopped,
  };
}
