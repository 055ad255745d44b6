// The state the hinge solvers share for one data set: the dual variables α with their status (at 0, free,
// at C), w (as u = Σ α y A), the dual gradient G, and the ordered free set with its Cholesky factor and
// kernel cache. The factor and the cache survive across the λ of a path: Q_FF does not depend on λ.
import { CholeskyFactor } from './cholesky.js';
import { addRow, gradientPass, gradientPassRows, type HingeData, weightsFromAlpha } from './data.js';
import { KernelCache } from './kernel-cache.js';
import type { HingeProfile } from './profile.js';

/** α_i = 0 */
export const LOWER = 0;
/** 0 < α_i < C */
export const FREE = 1;
/** α_i = C */
export const UPPER = 2;

/** How many past values of u the screening keeps, for its exact bound ‖x_i‖ ‖w − w_then‖. */
const SNAPSHOTS = 16;

export class HingeState {
  C = 0;
  readonly alpha: Float64Array;
  readonly status: Int8Array;
  /** u = Σ α_i y_i A_i (w = u / root) */
  readonly u: Float64Array;
  /** dual gradient G = Qα − 1 (exact after fullGradient; see screenedGradient) */
  readonly g: Float64Array;
  /** cumulative drift D of w, the snapshot of u it was last measured at, and D when each G_i was exact */
  private drift = 0;
  private readonly uSnap: Float64Array;
  private readonly gDrift: Float64Array;
  /** ‖x_i‖ */
  private readonly xNorm: Float64Array;
  /**
   * Past values of u (SNAPSHOTS × dim, a ring), each with a generation number; G_i was exact at the u of
   * slot snapOf[i] when genOf[i] still equals that slot's generation (else the slot was reused since).
   */
  private readonly snaps: Float64Array;
  private readonly snapGen = new Int32Array(SNAPSHOTS).fill(-1);
  private readonly snapDistance = new Float64Array(SNAPSHOTS);
  private snapNext = 0;
  private generation = 0;
  /** the slot that holds the current u, valid while u is still at version `slotVersion` */
  private lastSlot = -1;
  private slotVersion = -1;
  /** counts the changes of u that advanceDrift (or scaleGradient) saw */
  private uVersion = 0;
  private readonly snapOf: Int32Array;
  private readonly genOf: Int32Array;
  private readonly recomputed: Int32Array;
  /** the free points, in the factor's order */
  readonly list: Int32Array;
  size = 0;
  /** position of a point in `list`, −1 when not free */
  readonly pos: Int32Array;
  /**
   * The factor is of K_FF + c·11ᵀ (c = `shift`, the mean of K_ii): the kernel of the images with a
   * constant feature √c appended. It is nonsingular exactly when the KKT matrix of the equality-
   * constrained step is (the free images affinely independent), whereas K_FF alone is singular as soon as
   * |F| exceeds the rank, e.g. 3 free points in 2-D. The phases undo the shift in β (see newtonStep).
   */
  readonly factor: CholeskyFactor;
  readonly shift: number;
  readonly cache: KernelCache;
  /** work vectors of length n */
  readonly q: Float64Array;
  readonly w1: Float64Array;
  readonly w2: Float64Array;
  readonly w3: Float64Array;
  private readonly idx: Int32Array;

  constructor(
    readonly data: HingeData,
    readonly profile: HingeProfile,
  ) {
    const { n, dim } = data;
    this.factor = new CholeskyFactor(256, data.kernels?.factor());
    this.alpha = new Float64Array(n);
    this.status = new Int8Array(n);
    this.u = new Float64Array(dim);
    this.g = new Float64Array(n);
    this.list = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.cache = new KernelCache(data, profile);
    this.q = new Float64Array(n);
    this.w1 = new Float64Array(n);
    this.w2 = new Float64Array(n);
    this.w3 = new Float64Array(n);
    this.idx = new Int32Array(n);
    this.refused = new Int32Array(n);
    this.uSnap = new Float64Array(dim);
    this.gDrift = new Float64Array(n);
    this.xNorm = new Float64Array(n);
    for (let i = 0; i < n; i++) this.xNorm[i] = Math.sqrt(data.diag[i]);
    this.snaps = new Float64Array(SNAPSHOTS * dim);
    this.snapOf = new Int32Array(n);
    this.genOf = new Int32Array(n).fill(-2);
    this.recomputed = new Int32Array(n);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data.diag[i];
    this.shift = mean / n > 0 ? mean / n : 1;
  }

  /**
   * The equality-constrained Newton step on F: Δ (into w1[0 … |F| − 1]) and β with
   *   Q_FF Δ + y_F β = −G_F,  y_Fᵀ Δ = −yᵀα,
   * from the factor of K̃ = K_FF + c·11ᵀ. With D = diag(y_F), Q̃ = D K̃ D = Q_FF + c y_F y_Fᵀ and
   * Q̃ Δ = Q_FF Δ − c r y_F (as y_Fᵀ Δ = −r), so the system is Q̃ Δ + y_F β̃ = −G_F with β = β̃ − c r,
   * solved by a Schur complement for β̃. Uses G_F from g. Returns β.
   */
  newtonStep(): number {
    const m = this.size;
    const { list, g } = this;
    const y = this.data.y;
    const r = this.equalityResidual();
    const a = this.w1;
    const v = this.w2;
    // Q̃⁻¹ b = D K̃⁻¹ D b
    for (let p = 0; p < m; p++) {
      const i = list[p];
      a[p] = y[i] * g[i];
      v[p] = 1;
    }
    this.solve(a);
    this.solve(v);
    let ya = 0;
    let yv = 0;
    for (let p = 0; p < m; p++) {
      ya += a[p];
      yv += v[p];
    }
    // y_Fᵀ Q̃⁻¹ G_F = 1ᵀ K̃⁻¹ D G_F = Σ a (before the final D), and likewise y_Fᵀ Q̃⁻¹ y_F = Σ v
    const betaTilde = (r - ya) / yv;
    for (let p = 0; p < m; p++) a[p] = -y[list[p]] * (a[p] + betaTilde * v[p]);
    return betaTilde - this.shift * r;
  }

  /** Full gradient pass from u: every G_i exact. */
  fullGradient(): void {
    const t0 = performance.now();
    const drift = this.advanceDrift();
    gradientPass(this.data, this.u, this.g);
    this.gDrift.fill(drift);
    const slot = this.snapshot();
    this.snapOf.fill(slot);
    this.genOf.fill(this.snapGen[slot]);
    this.profile.gradientRows += this.data.n;
    this.profile.gradientMs += performance.now() - t0;
  }

  /** Gradient of the free points only (exact). */
  freeGradient(): void {
    const t0 = performance.now();
    const drift = this.advanceDrift();
    gradientPassRows(this.data, this.u, this.g, this.list, this.size);
    for (let p = 0; p < this.size; p++) this.gDrift[this.list[p]] = drift;
    this.markExact(this.list, this.size);
    this.profile.gradientRows += this.size;
    this.profile.gradientMs += performance.now() - t0;
  }

  /**
   * Safe screening of the bound points: G_i was computed exactly when the cumulative drift of w was
   * D_i, and since then |ΔG_i| = |y_i x_i·Δw| ≤ ‖x_i‖ (D − D_i) (Cauchy–Schwarz and the triangle
   * inequality over the snapshots of u), and also |ΔG_i| ≤ ‖x_i‖ ‖w − w_i‖ where w_i, the w it was exact
   * at, is still kept (the last SNAPSHOTS values of u; this bound is the tighter one when w went back
   * and forth). A bound point is recomputed only if the smaller bound lets its KKT
   * violation (−μ at 0, μ at C, μ = G + βy) exceed `eps`; the others provably do not violate, and their
   * G stays stale (every phase that reads all of G makes a full pass). Free points are skipped: their G
   * was exact at the last freeGradient, which is what the bound of a point leaving F starts from.
   */
  screenedGradient(beta: number, eps: number): void {
    const t0 = performance.now();
    const drift = this.advanceDrift();
    const { g, gDrift, xNorm, status, u, data, snapOf, genOf, snapGen, snapDistance, recomputed } = this;
    const { y, n } = data;
    this.measureSnapshots();
    let rows = 0;
    for (let i = 0; i < n; i++) {
      const s = status[i];
      if (s === FREE) continue;
      const mu = g[i] + beta * y[i];
      const viol = s === LOWER ? -mu : mu;
      const slot = snapOf[i];
      const moved =
        genOf[i] === snapGen[slot] ? Math.min(drift - gDrift[i], snapDistance[slot]) : drift - gDrift[i];
      // 1e-12 (1 + |G|): rounding of the stored G and of the drift sums
      if (viol + xNorm[i] * moved + 1e-12 * (1 + Math.abs(g[i])) <= eps) continue;
      recomputed[rows++] = i;
    }
    // each point's test reads its own G only, so the flagged rows are recomputed together afterwards
    gradientPassRows(data, u, g, recomputed, rows);
    for (let k = 0; k < rows; k++) gDrift[recomputed[k]] = drift;
    this.markExact(recomputed, rows);
    this.profile.gradientRows += rows;
    this.profile.gradientMs += performance.now() - t0;
  }

  /**
   * After α ← rα (with u recomputed, equal to r·u up to rounding): G_i + 1 = y_i x_i·w scales by r, so
   * every G_i stays exact without a pass. Valid only when G was exact for every point before.
   */
  scaleGradient(r: number): void {
    const { g } = this;
    for (let i = 0; i < g.length; i++) g[i] = r * (g[i] + 1) - 1;
    this.uSnap.set(this.u);
    this.gDrift.fill(this.drift);
    // u changed (it was recomputed) while the drift did not: a new slot for it
    this.uVersion++;
    const slot = this.snapshot();
    this.snapOf.fill(slot);
    this.genOf.fill(this.snapGen[slot]);
  }

  /** The slot holding the current u (just measured by advanceDrift), taking a new one when u moved since. */
  private snapshot(): number {
    if (this.lastSlot >= 0 && this.slotVersion === this.uVersion) return this.lastSlot;
    const slot = this.snapNext;
    this.snapNext = (slot + 1) % SNAPSHOTS;
    this.snaps.set(this.u, slot * this.data.dim);
    this.snapGen[slot] = ++this.generation;
    this.lastSlot = slot;
    this.slotVersion = this.uVersion;
    return slot;
  }

  /** Records that G of rows[0 … count − 1] is exact at the current u. */
  private markExact(rows: Int32Array, count: number): void {
    if (count === 0) return;
    const slot = this.snapshot();
    const gen = this.snapGen[slot];
    for (let k = 0; k < count; k++) {
      this.snapOf[rows[k]] = slot;
      this.genOf[rows[k]] = gen;
    }
  }

  /** ‖w − w_then‖ for every kept value of u, rounded up (1 + 1e-12, as the drift). */
  private measureSnapshots(): void {
    const { u, snaps, snapGen, snapDistance } = this;
    const dim = this.data.dim;
    for (let slot = 0; slot < SNAPSHOTS; slot++) {
      if (snapGen[slot] < 0) continue;
      const off = slot * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const d = u[k] - snaps[off + k];
        s += d * d;
      }
      snapDistance[slot] = (Math.sqrt(s) / this.data.root) * (1 + 1e-12);
    }
  }

  /** Adds ‖Δw‖ since the last snapshot to the cumulative drift D and returns D. */
  private advanceDrift(): number {
    const { u, uSnap } = this;
    let s = 0;
    for (let k = 0; k < u.length; k++) {
      const d = u[k] - uSnap[k];
      s += d * d;
      uSnap[k] = u[k];
    }
    // 1 + 1e-12: the rounding of this sum
    this.drift += (Math.sqrt(s) / this.data.root) * (1 + 1e-12);
    if (s > 0) this.uVersion++;
    return this.drift;
  }

  /** u from α from scratch. */
  recomputeWeights(): void {
    weightsFromAlpha(this.data, this.alpha, this.u);
  }

  /** The dual objective f(α) = ½‖w‖² − Σα, from u. */
  dualObjective(): number {
    const { u, alpha } = this;
    let w2 = 0;
    for (let k = 0; k < u.length; k++) w2 += u[k] * u[k];
    let s = 0;
    for (let i = 0; i < alpha.length; i++) s += alpha[i];
    return (0.5 * w2) / this.data.div - s;
  }

  /** yᵀα. */
  equalityResidual(): number {
    const { alpha } = this;
    const y = this.data.y;
    let s = 0;
    for (let i = 0; i < alpha.length; i++) s += y[i] * alpha[i];
    return s;
  }

  /** Sets α_i to a value and updates u. */
  setAlpha(i: number, value: number): void {
    const change = value - this.alpha[i];
    if (change !== 0) addRow(this.data, i, change * this.data.y[i], this.u);
    this.alpha[i] = value;
  }

  /** Status of every point from α (exactly 0 → LOWER, exactly C → UPPER, else FREE). */
  statusFromAlpha(): void {
    const { alpha, status, C } = this;
    for (let i = 0; i < alpha.length; i++) status[i] = alpha[i] <= 0 ? LOWER : alpha[i] >= C ? UPPER : FREE;
  }

  /**
   * Makes the free list hold exactly the points whose status is FREE: points that left are removed (the
   * factor follows by rank-one updates or a partial rebuild, whichever is cheaper), new ones are appended
   * in the order given by `order` (or index order). Returns false when a pivot ratio fell below
   * `minRatio`: the list then holds only the points that could be factored; the refused ones (see
   * `refused`) keep status FREE but are outside the list, and the caller must react.
   */
  syncFree(minRatio: number, order?: Int32Array, orderCount = 0): boolean {
    const t0 = performance.now();
    const { status, list, pos, idx } = this;
    const m = this.size;
    // 1. removals
    let nr = 0;
    for (let p = 0; p < m; p++) if (status[list[p]] !== FREE) idx[nr++] = p;
    if (nr > 0) {
      const first = idx[0];
      let kept = 0;
      for (let p = first; p < m; p++) if (status[list[p]] === FREE) kept++;
      const rebuildCost = (((first + kept) ** 3 - first ** 3) / 6) * 1.2;
      const rankOneCost = 1.5 * this.factor.removalCost(idx, nr);
      const rebuild = rebuildCost < rankOneCost || this.factor.size !== m;
      if (!rebuild) {
        this.factor.remove(idx, nr);
        this.profile.factorRemovals += nr;
      }
      let w = first;
      for (let p = first; p < m; p++) {
        const i = list[p];
        if (status[i] === FREE) {
          list[w] = i;
          pos[i] = w;
          w++;
        } else pos[i] = -1;
      }
      this.size = w;
      if (rebuild) {
        this.factor.truncate(Math.min(first, this.factor.size));
        this.profile.factorRebuilds++;
      }
    }
    this.profile.factorMs += performance.now() - t0;
    // 2. additions: first those listed in `order`, then any other free point in index order
    for (let r = 0; r < orderCount; r++) {
      const i = order![r];
      if (status[i] === FREE && pos[i] < 0) {
        list[this.size] = i;
        pos[i] = this.size++;
      }
    }
    for (let i = 0; i < status.length; i++) {
      if (status[i] === FREE && pos[i] < 0) {
        list[this.size] = i;
        pos[i] = this.size++;
      }
    }
    return this.extendFactor(minRatio);
  }

  /**
   * Appends to the factor every listed point it does not hold yet. A point whose pivot ratio falls below
   * `minRatio` is dropped from the list (its status is left to the caller) and recorded in `refused`.
   * Returns false when any point was refused.
   */
  extendFactor(minRatio: number): boolean {
    const { list, q, data, factor, pos } = this;
    this.refusedCount = 0;
    while (factor.size < this.size) {
      const m = factor.size;
      const j = list[m];
      this.cache.row(j, list, m, q);
      const t0 = performance.now();
      const shift = this.shift;
      for (let k = 0; k < m; k++) q[k] += shift;
      const ratio = factor.append(q, data.diag[j] + shift, minRatio);
      this.profile.factorAppends++;
      this.profile.factorMs += performance.now() - t0;
      if (factor.size === m) {
        for (let p = m; p + 1 < this.size; p++) {
          list[p] = list[p + 1];
          pos[list[p]] = p;
        }
        pos[j] = -1;
        this.size--;
        this.refused[this.refusedCount++] = j;
      } else if (ratio < this.profile.minPivotRatio && factor.ridge === 0) this.profile.minPivotRatio = ratio;
    }
    return this.refusedCount === 0;
  }

  /** Points refused by the last extendFactor. */
  readonly refused: Int32Array;
  refusedCount = 0;

  /** Rebuilds the factor from scratch with a new ridge. */
  refactor(ridge: number, minRatio: number): boolean {
    this.factor.clear();
    this.factor.ridge = ridge;
    this.profile.factorRebuilds++;
    return this.extendFactor(minRatio);
  }

  /** Solves the factored system in place (vector of length size). */
  solve(b: Float64Array): void {
    const t0 = performance.now();
    this.factor.solve(b);
    this.profile.solveMs += performance.now() - t0;
  }
}
