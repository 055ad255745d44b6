// Certified radii of the 2-layer ReLU network s(x) = Σ_k W2_k ReLU(W1_k·x + b1_k) + b2 (beyond the article;
// Hein & Andriushchenko 2017, arXiv 1705.08475). Their Theorem 2.1: if L(R) bounds ‖∇s‖ on the ball B(x, R),
// then s keeps its sign on the open ball of radius min(|s(x)| / L(R), R), and the guarantee is the best such
// radius over R. Their Theorem 2.2 bounds L(R) for one hidden layer with a smooth activation; for the ReLU
// the same argument is exact in form: on B(x, R) only units whose hyperplane W1_k·x' + b1_k = 0 lies within R
// of x can switch, and each changes ∇s by at most |W2_k|·‖W1_k‖, so
//
//   L(R) = ‖∇ₓs(x)‖ + Σ_{k : d_k ≤ R} |W2_k|·‖W1_k‖,   d_k = |W1_k·x + b1_k| / ‖W1_k‖,
//
// a step function of R. Over the steps d_(1) ≤ d_(2) ≤ …, the radius is max_k min(|s(x)| / L_k, d_(k+1)) with
// d_(H+1) = ∞: closed form, after one sort. Distances on the 0..1 pixel scale; pure maths.
import type { SparseRows } from '../math/sparse.js';
import type { TwoLayerNet } from './dense.js';

/** What the certificate needs of a network, once: ‖W1_k‖ and |W2_k|·‖W1_k‖ per hidden unit. */
export interface CertificateWeights {
  readonly rowNorm: Float64Array;
  readonly switchCost: Float64Array;
}

/** The per-unit constants of a network. */
export function certificateWeights(net: TwoLayerNet): CertificateWeights & BatchWeights {
  const d = net.inputs;
  const rowNorm = new Float64Array(net.hidden);
  const switchCost = new Float64Array(net.hidden);
  for (let k = 0; k < net.hidden; k++) {
    let s = 0;
    for (let p = 0; p < d; p++) s += net.w1[k * d + p] ** 2;
    rowNorm[k] = Math.sqrt(s);
    switchCost[k] = Math.abs(net.w2[k]) * rowNorm[k];
  }
  // W1ᵀ (pixel-major, so a pixel's weights to every unit are contiguous) and the Gram matrix W1 W1ᵀ:
  // ‖∇ₓs‖² = (a∘W2)ᵀ W1W1ᵀ (a∘W2) costs hidden² per image instead of hidden·inputs
  const h = net.hidden;
  const transposed = new Float64Array(d * h);
  for (let k = 0; k < h; k++) for (let p = 0; p < d; p++) transposed[p * h + k] = net.w1[k * d + p];
  const gram = new Float64Array(h * h);
  for (let a = 0; a < h; a++) {
    for (let b = a; b < h; b++) {
      let g = 0;
      for (let p = 0; p < d; p++) g += net.w1[a * d + p] * net.w1[b * d + p];
      gram[a * h + b] = g;
      gram[b * h + a] = g;
    }
  }
  return { rowNorm, switchCost, transposed, gram };
}

/** What the batched certificate adds: W1ᵀ and W1 W1ᵀ. */
export interface BatchWeights {
  readonly transposed: Float64Array;
  readonly gram: Float64Array;
}

/** The radius from the margin, ‖∇ₓs‖ and the units' distances (sorted in place through `order`). */
function radiusOf(
  margin: number,
  localScale: number,
  distance: Float64Array,
  order: Uint32Array,
  switchCost: Float64Array,
): number {
  const h = distance.length;
  for (let k = 0; k < h; k++) order[k] = k;
  order.sort((a, b) => distance[a] - distance[b]);
  let lipschitz = localScale;
  let radius = 0;
  for (let k = 0; k <= h; k++) {
    const next = k < h ? distance[order[k]] : Number.POSITIVE_INFINITY;
    const candidate = Math.min(lipschitz > 0 ? margin / lipschitz : Number.POSITIVE_INFINITY, next);
    if (candidate > radius) radius = candidate;
    if (k < h) lipschitz += switchCost[order[k]];
  }
  return radius;
}

/**
 * The certificates of every image of a sparse matrix (rows of `inputs` pixels), by pre-activations over the
 * non-zero pixels and the Gram matrix: the same values as `certify` image by image, much faster.
 */
export function certifyRows(
  net: TwoLayerNet,
  weights: CertificateWeights & BatchWeights,
  rows: SparseRows,
): Certificate[] {
  const h = net.hidden;
  const pre = new Float64Array(h);
  const coef = new Float64Array(h);
  const distance = new Float64Array(h);
  const order = new Uint32Array(h);
  const out: Certificate[] = [];
  const { start, column, value } = rows;
  for (let r = 0; r < rows.n; r++) {
    for (let k = 0; k < h; k++) pre[k] = net.b1[k];
    for (let q = start[r]; q < start[r + 1]; q++) {
      const v = value[q];
      const base = column[q] * h;
      for (let k = 0; k < h; k++) pre[k] += v * weights.transposed[base + k];
    }
    let score = net.b2[0];
    for (let k = 0; k < h; k++) {
      coef[k] = pre[k] > 0 ? net.w2[k] : 0;
      score += coef[k] * pre[k];
      distance[k] = weights.rowNorm[k] > 0 ? Math.abs(pre[k]) / weights.rowNorm[k] : Number.POSITIVE_INFINITY;
    }
    let g2 = 0;
    for (let a = 0; a < h; a++) {
      if (coef[a] === 0) continue;
      let row = 0;
      for (let b = 0; b < h; b++) row += weights.gram[a * h + b] * coef[b];
      g2 += coef[a] * row;
    }
    const localScale = Math.sqrt(Math.max(0, g2));
    const margin = Math.abs(score);
    out.push({
      score,
      localScale,
      radius: radiusOf(margin, localScale, distance, order, weights.switchCost),
      linearised: localScale > 0 ? margin / localScale : Number.POSITIVE_INFINITY,
    });
  }
  return out;
}

/** The certificate of one image. */
export interface Certificate {
  /** s(x) */
  score: number;
  /** ‖∇ₓs(x)‖ (0 when no unit is active) */
  localScale: number;
  /** the certified radius: no perturbation shorter than this changes the sign of s */
  radius: number;
  /** the linearised distance |s(x)| / ‖∇ₓs(x)‖ (∞ when ∇ₓs = 0) */
  linearised: number;
}

/**
 * The certificate of image `x` (`inputs` values from `offset`). `scratch` holds `inputs` + 2·hidden values
 * (the gradient, the distances and the order), so certifying many images allocates nothing.
 */
export function certify(
  net: TwoLayerNet,
  weights: CertificateWeights,
  x: ArrayLike<number>,
  offset = 0,
  scratch: { gradient: Float64Array; distance: Float64Array; order: Uint32Array } = certifyScratch(net),
): Certificate {
  const d = net.inputs;
  const { gradient, distance, order } = scratch;
  gradient.fill(0);
  let score = net.b2[0];
  for (let k = 0; k < net.hidden; k++) {
    let pre = net.b1[k];
    const row = k * d;
    for (let p = 0; p < d; p++) pre += net.w1[row + p] * x[offset + p];
    if (pre > 0) {
      const a = net.w2[k];
      score += a * pre;
      for (let p = 0; p < d; p++) gradient[p] += a * net.w1[row + p];
    }
    distance[k] = weights.rowNorm[k] > 0 ? Math.abs(pre) / weights.rowNorm[k] : Number.POSITIVE_INFINITY;
  }
  let g2 = 0;
  for (let p = 0; p < d; p++) g2 += gradient[p] * gradient[p];
  const localScale = Math.sqrt(g2);
  const margin = Math.abs(score);
  const radius = radiusOf(margin, localScale, distance, order, weights.switchCost);
  return {
    score,
    localScale,
    radius,
    linearised: localScale > 0 ? margin / localScale : Number.POSITIVE_INFINITY,
  };
}

/** Work arrays for `certify`. */
export function certifyScratch(net: TwoLayerNet): {
  gradient: Float64Array;
  distance: Float64Array;
  order: Uint32Array;
} {
  return {
    gradient: new Float64Array(net.inputs),
    distance: new Float64Array(net.hidden),
    order: new Uint32Array(net.hidden),
  };
}
