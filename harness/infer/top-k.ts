// The k best classes of one row of logits, best first (ties: lower index first).

/** Indices of the `k` largest values of `row[from, from + length)`, relative to `from`. */
export function topK(row: Float32Array, k: number, from = 0, length = row.length - from): number[] {
  const best: number[] = [];
  for (let i = 0; i < length; i++) {
    const v = row[from + i] as number;
    let at = best.length;
    while (at > 0 && v > (row[from + (best[at - 1] as number)] as number)) at--;
    if (at < k) {
      best.splice(at, 0, i);
      if (best.length > k) best.pop();
    }
  }
  return best;
}
