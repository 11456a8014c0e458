// The text `model build`, `quantize` and `inspect` print: one fact per line.
import { formatBytes } from '../../deploy/format-bytes.js';
import type { NoiseAgreement } from '../../../model/noise-agreement.js';
import type { ModelInfo, QuantizedModelInfo } from '../../../model/types.js';

export interface Check {
  noise: NoiseAgreement;
  optimizedOps?: Record<string, number>;
}

export function describeModel(info: ModelInfo | QuantizedModelInfo, seconds: number | undefined, check?: Check): string {
  const lines = [
    `${info.arch} ${info.precision}${info.seed === null ? '' : ` (seed ${info.seed})`}`,
    `  file       ${info.path} (${formatBytes(info.bytes)})`,
    `  sha256     ${info.sha256}`,
    `  input      ${info.inputName} [N, ${info.inputShape.join(', ')}] -> ${info.classes} classes`,
    `  params     ${info.params === null ? 'unknown' : formatCount(info.params)}`,
    `  MACs       ${info.macsPerImage === null ? 'unknown' : `${formatCount(info.macsPerImage)} per image`}`,
  ];
  if ('agreement' in info && info.agreement) {
    const a = info.agreement;
    lines.push(`  agreement  top-1 ${(a.top1 * 100).toFixed(0)}% with fp32 on ${a.images} synthetic images (${a.distinctClasses} distinct fp32 classes)`);
  }
  if ('unsupportedOps' in info && info.unsupportedOps.length > 0) lines.push(`  float ops  ${info.unsupportedOps.join(', ')}`);
  if (check) {
    lines.push(`  noise      fp32 top-1 unchanged on ${(check.noise.top1 * 100).toFixed(0)}% of ${check.noise.images} images under input noise below one 8-bit step`);
    if (check.optimizedOps) lines.push(`  optimized  ${formatOps(check.optimizedOps)}`);
  }
  lines.push(`  time       ${seconds === undefined ? 'from cache' : `${seconds.toFixed(1)} s`}`);
  return `${lines.join('\n')}\n`;
}

export function formatOps(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([op, n]) => `${op.replace(/^com\.microsoft\./, '')} ${n}`)
    .join(', ');
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
