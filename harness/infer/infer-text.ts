// The human-readable `vharness infer` output (the JSON form is the same object, printed as is).
import { formatCpuList } from '../../agent/cpu-list.js';
import type { SysInfo } from '../../agent/protocol.js';
import { formatMeasure } from '../report/format-number.js';
import type { AccuracyResult, AgreementResult } from './accuracy.js';
import type { ModelInfo } from '../../model/types.js';
import type { SpeedSummary } from './speed-summary.js';

/** What `vharness infer` reports; also its --json output. */
export interface InferReport {
  model: ModelInfo;
  threads: { intra_op: number; inter_op: number };
  load_ms: number;
  speed?: SpeedSummary & { gflops: number | null };
  accuracy?: AccuracyResult;
  agreement?: AgreementResult & { reference: string };
  cpu: SysInfo;
}

const MB = 1024 * 1024;
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

function machineLines(cpu: SysInfo): string[] {
  const flags = Object.entries(cpu.flags)
    .filter(([, on]) => on)
    .map(([name]) => name);
  const limits = [
    cpu.cgroup.cpuset === null ? null : `cpuset ${cpu.cgroup.cpuset}`,
    cpu.cgroup.cpuQuota === null ? null : `cpu quota ${cpu.cgroup.cpuQuota}`,
    cpu.cgroup.memoryLimitBytes === null ? null : `memory ${Math.round(cpu.cgroup.memoryLimitBytes / MB)} MB`,
  ].filter((s): s is string => s !== null);
  return [
    `machine     ${cpu.cpuModel} · ${cpu.sockets} socket(s), ${cpu.cores} cores, ${cpu.threads} threads, ${cpu.numaNodes} NUMA node(s) · ${flags.join(' ') || 'no AVX2/AVX-512'}${cpu.virtualized ? ' · virtualized' : ''}`,
    `process     affinity ${formatCpuList(cpu.affinity)}${limits.length > 0 ? ` · cgroup v${cpu.cgroup.version} ${limits.join(', ')}` : ''} · ${Math.round(cpu.memoryBytes / MB)} MB RAM · node ${cpu.nodeVersion} · onnxruntime ${cpu.onnxruntimeVersion}`,
  ];
}

/** Renders the report as aligned text lines. */
export function formatInferReport(report: InferReport): string {
  const { model } = report;
  const lines = [
    `model       ${model.arch} ${model.precision} · ${model.path} (${(model.bytes / MB).toFixed(1)} MB, sha256 ${model.sha256.slice(0, 12)})${
      model.params === null ? '' : ` · ${(model.params / 1e6).toFixed(1)} M params`
    }${model.macsPerImage === null ? '' : ` · ${(model.macsPerImage / 1e9).toFixed(2)} GMAC/image`}`,
    ...machineLines(report.cpu),
    `session     intra-op ${report.threads.intra_op}, inter-op ${report.threads.inter_op} threads · load ${formatMeasure(report.load_ms)} ms`,
  ];
  const s = report.speed;
  if (s) {
    lines.push(
      `run         batch ${s.batch} · ${s.warmup} warmup + ${s.steps} measured batches in ${s.measured_s.toFixed(2)} s${s.stopped ? ' (stopped early)' : ''}`,
      `first       ${formatMeasure(s.first_inference_ms)} ms (first warmup batch)`,
      s.latency_ms
        ? `latency     mean ${formatMeasure(s.latency_ms.mean)}  p50 ${formatMeasure(s.latency_ms.p50)}  p90 ${formatMeasure(s.latency_ms.p90)}  p99 ${formatMeasure(s.latency_ms.p99)}  max ${formatMeasure(s.latency_ms.max)} ms per batch`
        : 'latency     -',
      `throughput  ${formatMeasure(s.throughput_ips)} images/s${s.gflops === null ? '' : ` · ${formatMeasure(s.gflops)} GFLOP/s`}`,
      `peak RSS    ${Math.round(s.peak_rss_bytes / MB)} MB`,
    );
  }
  const a = report.accuracy;
  if (a) lines.push(`accuracy    top-1 ${pct(a.top1)}  top-5 ${pct(a.top5)} over ${a.images} images, ${a.classes} classes`);
  const g = report.agreement;
  if (g) {
    lines.push(
      `agreement   top-1 ${pct(g.top1)}  top-5 ${pct(g.top5)} with ${g.reference} over ${g.images} ${g.source} images (${g.distinctClasses} distinct reference classes)`,
    );
  }
  return `${lines.join('\n')}\n`;
}
