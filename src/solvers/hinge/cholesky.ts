// A growable Cholesky factor Q_FF + ridge·I = L Lᵀ of the kernel block of the free set, with the
// operations the active-set methods need: append a row (bordered Cholesky, O(m²)), delete rows (rank-one
// updates of the trailing block, O((m − k)²) each), and solves. Pure loops over one Float64Array, or the
// same loops elsewhere (FactorKernels: WebAssembly's in hinge/wasm.ts, bit for bit the same).
//
// Storage: U = Lᵀ row-major with stride `cap` (U[j·cap + i] = L_ij for i ≥ j). Column j of L is then
// contiguous, which makes the column-oriented forward substitution, the dot-product backward substitution
// and the rank-one updates all run over contiguous memory.

/**
 * Where a factor's storage lives and its O(m²) loops run: U (stride cap) and a work vector of cap doubles,
 * with forwardSubstitute, the rank-one updates of a removal and the backward substitution over them. Every
 * implementation gives typedArrayFactorKernels' values bit for bit.
 */
export interface FactorKernels {
  /**
   * Storage for stride `cap`, holding the leading m × m factor of the last storage at the new stride (its
   * rows j, entries j … m − 1); the arrays of earlier storage are not used again.
   */
  reserve(cap: number, m: number): { u: Float64Array; work: Float64Array };
  /** forwardSubstitute(u, cap, m, work): L z = work in place; returns ‖z‖² */
  forwardSubstitute(cap: number, m: number): number;
  /** the trailing block's rank-one updates for removing position k, with v = work (entries k + 1 … m − 1) */
  removeUpdate(cap: number, m: number, k: number): void;
  /** Lᵀ x = work in place */
  backSubstitute(cap: number, m: number): void;
}

/** Copies the leading m × m factor (rows j, entries j … m − 1) from stride `fromCap` to stride `toCap`. */
export function copyLeadingFactor(
  from: Float64Array,
  fromCap: number,
  to: Float64Array,
  toCap: number,
  m: number,
): void {
  for (let j = 0; j < m; j++) to.set(from.subarray(j * fromCap + j, j * fromCap + m), j * toCap + j);
}

/** The loops in TypeScript on typed arrays. */
export function typedArrayFactorKernels(): FactorKernels {
  let u = new Float64Array(0);
  let work = new Float64Array(0);
  let stride = 0;
  return {
    reserve(cap, m) {
      const next = new Float64Array(cap * cap);
      copyLeadingFactor(u, stride, next, cap, m);
      u = next;
      work = new Float64Array(cap);
      stride = cap;
      return { u, work };
    },
    forwardSubstitute: (cap, m) => forwardSubstitute(u, cap, m, work),
    removeUpdate: (cap, m, k) => removeUpdate(u, cap, m, k, work),
    backSubstitute: (cap, m) => backSubstitute(u, cap, m, work),
  };
}

/** Cholesky factor of a symmetric positive definite matrix that grows and shrinks by rows. */
export class CholeskyFactor {
  /** current order m */
  size = 0;
  /** added to every diagonal entry (a proximal term; 0 for a plain factor) */
  ridge = 0;
  private cap: number;
  private u: Float64Array;
  private work: Float64Array;

  constructor(
    capacity = 64,
    private readonly kernels: FactorKernels = typedArrayFactorKernels(),
  ) {
    this.cap = Math.max(4, capacity);
    ({ u: this.u, work: this.work } = kernels.reserve(this.cap, 0));
  }

  /** Empties the factor (keeps the memory). */
  clear(): void {
    this.size = 0;
  }

  private grow(need: number): void {
    if (need <= this.cap) return;
    let cap = this.cap;
    while (cap < need) cap *= 2;
    ({ u: this.u, work: this.work } = this.kernels.reserve(cap, this.size));
    this.cap = cap;
  }

  /**
   * Appends row m: q[0 … m − 1] = the new point's entries against the current points, qmm its diagonal
   * entry. Returns the pivot ratio (qmm + ridge − ‖l‖²)/(qmm + ridge); when it is below `minRatio` the row
   * is not appended (the point is numerically in the span of the others).
   */
  append(q: Float64Array, qmm: number, minRatio: number): number {
    const m = this.size;
    this.grow(m + 1);
    const { cap, u } = this;
    const l = this.work;
    for (let k = 0; k < m; k++) l[k] = q[k];
    const sq = this.kernels.forwardSubstitute(cap, m);
    const d = qmm + this.ridge;
    const pivot2 = d - sq;
    const ratio = d > 0 ? pivot2 / d : -1;
    if (!(ratio >= minRatio) || !(pivot2 > 0)) return ratio;
    for (let k = 0; k < m; k++) u[k * cap + m] = l[k];
    u[m * cap + m] = Math.sqrt(pivot2);
    this.size = m + 1;
    return ratio;
  }

  /** Estimated cost (multiply-adds) of removing the given sorted positions by rank-one updates. */
  removalCost(positions: ArrayLike<number>, count: number): number {
    let c = 0;
    for (let r = 0; r < count; r++) {
      const t = this.size - positions[r];
      c += t * t;
    }
    return c;
  }

  /** Removes rows and columns at the given ascending positions (rank-one updates, then one compaction). */
  remove(positions: ArrayLike<number>, count: number): void {
    if (count === 0) return;
    const m = this.size;
    const { cap, u } = this;
    const v = this.work;
    const dead = new Uint8Array(m);
    for (let r = 0; r < count; r++) dead[positions[r]] = 1;
    for (let r = 0; r < count; r++) {
      const k = positions[r];
      // v = column k of L below the diagonal; update the trailing block: L33 L33ᵀ + v vᵀ
      const rowK = k * cap;
      for (let i = k + 1; i < m; i++) v[i] = u[rowK + i];
      // every row after k is still live at this point (earlier removals are at positions < k)
      this.kernels.removeUpdate(cap, m, k);
    }
    // compaction: keep the live rows and columns
    let jj = 0;
    for (let j = 0; j < m; j++) {
      if (dead[j]) continue;
      const src = j * cap;
      const dst = jj * cap;
      let ii = jj;
      for (let i = j; i < m; i++) {
        if (dead[i]) continue;
        u[dst + ii] = u[src + i];
        ii++;
      }
      jj++;
    }
    this.size = jj;
  }

  /** Keeps only the first `m` rows (a prefix of a Cholesky factor is the factor of the leading block). */
  truncate(m: number): void {
    if (m < this.size) this.size = m;
  }

  /** Solves (L Lᵀ) x = b in place (b has at least `size` entries). */
  solve(b: Float64Array): void {
    const m = this.size;
    const x = this.work;
    for (let k = 0; k < m; k++) x[k] = b[k];
    this.kernels.forwardSubstitute(this.cap, m);
    this.kernels.backSubstitute(this.cap, m);
    for (let k = 0; k < m; k++) b[k] = x[k];
  }
}

/** The rank-one updates of the trailing block for removing position k (v = column k of L below it). */
function removeUpdate(u: Float64Array, cap: number, m: number, k: number, v: Float64Array): void {
  for (let j = k + 1; j < m; j++) {
    const row = j * cap;
    const ljj = u[row + j];
    const vj = v[j];
    if (vj === 0) continue;
    const rr = Math.sqrt(ljj * ljj + vj * vj);
    const c = rr / ljj;
    const s = vj / ljj;
    u[row + j] = rr;
    const ic = 1 / c;
    for (let i = j + 1; i < m; i++) {
      const lij = (u[row + i] + s * v[i]) * ic;
      u[row + i] = lij;
      v[i] = c * v[i] - s * lij;
    }
  }
}

/** Solves Lᵀ x = z in place (row k of Lᵀ is row k of U). */
function backSubstitute(u: Float64Array, cap: number, m: number, b: Float64Array): void {
  for (let k = m - 1; k >= 0; k--) {
    const row = k * cap;
    let s = b[k];
    for (let i = k + 1; i < m; i++) s -= u[row + i] * b[i];
    b[k] = s / u[row + k];
  }
}

/**
 * Solves L z = b in place for the first m entries of b (U = Lᵀ row-major, stride cap) and returns ‖z‖².
 * Column-oriented, four columns of L at a time: each pass over the rest of b then does four multiply-adds
 * per load and store of b instead of one (the appends' whole cost).
 */
function forwardSubstitute(u: Float64Array, cap: number, m: number, b: Float64Array): number {
  let sq = 0;
  let k = 0;
  for (; k + 3 < m; k += 4) {
    const r0 = k * cap;
    const r1 = r0 + cap;
    const r2 = r1 + cap;
    const r3 = r2 + cap;
    // the 4 × 4 diagonal block first
    const z0 = b[k] / u[r0 + k];
    const z1 = (b[k + 1] - u[r0 + k + 1] * z0) / u[r1 + k + 1];
    const z2 = (b[k + 2] - u[r0 + k + 2] * z0 - u[r1 + k + 2] * z1) / u[r2 + k + 2];
    const z3 = (b[k + 3] - u[r0 + k + 3] * z0 - u[r1 + k + 3] * z1 - u[r2 + k + 3] * z2) / u[r3 + k + 3];
    b[k] = z0;
    b[k + 1] = z1;
    b[k + 2] = z2;
    b[k + 3] = z3;
    sq += z0 * z0 + z1 * z1 + z2 * z2 + z3 * z3;
    for (let i = k + 4; i < m; i++) b[i] -= u[r0 + i] * z0 + u[r1 + i] * z1 + u[r2 + i] * z2 + u[r3 + i] * z3;
  }
  for (; k < m; k++) {
    const row = k * cap;
    const zk = b[k] / u[row + k];
    b[k] = zk;
    sq += zk * zk;
    if (zk !== 0) for (let i = k + 1; i < m; i++) b[i] -= u[row + i] * zk;
  }
  return sq;
}
