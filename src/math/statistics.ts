// Order statistics and histograms of the studies' distributions. Pure maths.

/** Histogram bins: edges min, min + width, …, max (the unit says what is binned). */
export interface Bins {
  min: number;
  max: number;
  width: number;
  unit: string;
}

/** Counts per bin, with the values that fell outside. */
export interface Histogram {
  counts: number[];
  below: number;
  above: number;
}

/** The probabilities at which the studies report quantiles. */
export const QUANTILE_LEVELS = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1] as const;

/** Quantiles by linear interpolation between order statistics (numpy's default); NaN values are ignored. */
export function quantiles(values: ArrayLike<number>, levels: readonly number[] = QUANTILE_LEVELS): number[] {
  const sorted = Float64Array.from(values).filter((v) => !Number.isNaN(v));
  if (sorted.length === 0) throw new RangeError('quantiles: no values');
  sorted.sort();
  return levels.map((q) => {
    const h = (sorted.length - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  });
}

/** Counts of `values` in the bins; values below min or at/above max go to `below` / `above`; NaN is skipped. */
export function histogram(values: ArrayLike<number>, bins: Bins): Histogram {
  const n = Math.round((bins.max - bins.min) / bins.width);
  const counts = new Array<number>(n).fill(0);
  let below = 0;
  let above = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (v < bins.min) below++;
    else if (v >= bins.max) above++;
    else counts[Math.min(n - 1, Math.floor((v - bins.min) / bins.width))]++;
  }
  return { counts, below, above };
}

/** `count` evenly spaced budgets from 0 to `max`. */
export function budgetGrid(max: number, count = 101): number[] {
  return Array.from({ length: count }, (_, k) => (max * k) / (count - 1));
}

/** The mean of the values that are not NaN (0 when there are none). */
export function meanOfNumbers(values: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  return n > 0 ? s / n : 0;
}

/** The Frobenius (Euclidean) norm of a weight array. */
export function frobenius(w: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k] * w[k];
  return Math.sqrt(s);
}
