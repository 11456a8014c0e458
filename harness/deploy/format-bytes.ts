// Byte counts for deploy messages and benchmark output.

/** `0 B`, `812 KB`, `45.3 MB`, `1.2 GB` (powers of 1000, as transfer tools print). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 'B';
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value < 100 ? value.toFixed(1) : value.toFixed(0)} ${unit}`;
}
