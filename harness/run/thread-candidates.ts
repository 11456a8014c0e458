// Thread counts tried by latency tuning: {1, 2, 4, ..., vCPUs}, always including vCPUs itself.

/** Powers of two below `cpus`, then `cpus`; an explicit list is capped at `cpus` (at least one kept). */
export function threadCandidates(cpus: number, explicit?: readonly number[]): number[] {
  const n = Math.max(1, Math.floor(cpus));
  if (explicit && explicit.length > 0) {
    const within = [...new Set(explicit)].filter((t) => t <= n).sort((a, b) => a - b);
    return within.length > 0 ? within : [Math.min(...explicit)];
  }
  const out: number[] = [];
  for (let t = 1; t < n; t *= 2) out.push(t);
  out.push(n);
  return out;
}
