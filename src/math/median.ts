// Medians of attack norms where some attacks failed: a failure needs more than any success reached, so it
// counts as larger than every success. Comparing only the successes would make a network whose attacks
// fail more often look as if it needed smaller perturbations.

/** Median of values where the `failed` ones count as larger than all others; null when half or more failed. */
export function censoredMedian(values: readonly number[], failed: readonly boolean[]): number | null {
  const ok = values.filter((_, i) => !failed[i]).sort((a, b) => a - b);
  const n = values.length;
  if (n === 0) return null;
  // the median of the n values sorted with the failures at the top: the mean of positions ⌊(n−1)/2⌋, ⌊n/2⌋
  const lo = Math.floor((n - 1) / 2);
  const hi = Math.floor(n / 2);
  if (hi >= ok.length) return null;
  return (ok[lo] + ok[hi]) / 2;
}
