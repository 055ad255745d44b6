// Kernel entries K_ij = x_i·x_j between points that have been free, computed once and kept across
// iterations and across the λ of a path (the kernel does not depend on λ). Points get a slot when first
// needed; entries between slots live in a square matrix filled lazily. +0 marks an entry not computed yet,
// so a fresh matrix needs no filling (its pages are touched only where entries land); an entry that is zero
// is kept as −0 and handed out as +0. When the slots run out, the cache is rebuilt around the points the
// caller still needs. Kernels that compute entries faster than the cache's scattered reads find them
// (HingeKernels.uncached: the wasm dense rows) bypass it, and it then holds nothing.
import { type HingeData, kernelEntries } from './data.js';
import type { HingeProfile } from './profile.js';

export class KernelCache {
  private readonly slotOf: Int32Array;
  private pointOf: Int32Array;
  private count = 0;
  private cap: number;
  private k: Float64Array;
  private readonly maxCap: number;
  private missing: Int32Array;
  private missingSlot: Int32Array;
  private values: Float64Array;
  /** every row is computed afresh (the kernels' entries are cheaper than the lookups) */
  private readonly direct: boolean;

  /**
   * `maxBytes` bounds the slot matrix (default 32 MB, i.e. 2048 slots). A rebuild around the current free
   * set costs about |F|²/2 kernel entries, far less than the memory a larger cache would hold.
   */
  constructor(
    private readonly data: HingeData,
    private readonly profile: HingeProfile,
    maxBytes = 32 * 2 ** 20,
  ) {
    this.direct = data.kernels?.uncached === true;
    this.slotOf = new Int32Array(this.direct ? 0 : data.n).fill(-1);
    this.maxCap = Math.max(16, Math.floor(Math.sqrt(maxBytes / 8)));
    this.cap = this.direct ? 0 : Math.min(256, this.maxCap);
    this.pointOf = new Int32Array(this.cap);
    this.k = new Float64Array(this.cap * this.cap);
    this.missing = new Int32Array(this.cap);
    this.missingSlot = new Int32Array(this.cap);
    this.values = new Float64Array(this.cap);
  }

  /** Number of points holding a slot. */
  get slots(): number {
    return this.count;
  }

  /**
   * out[t] = K(j, points[t]) for t < m. When the slots run out, the cache is rebuilt around j and `points`.
   */
  row(j: number, points: Int32Array, m: number, out: Float64Array): void {
    const t0 = performance.now();
    if (this.direct || m + 1 > this.maxCap) {
      // no cache, or more points than it can hold: compute without caching
      kernelEntries(this.data, j, points, m, out);
      this.profile.kernelEntries += m;
      this.profile.kernelMs += performance.now() - t0;
      return;
    }
    let fresh = this.slotOf[j] < 0 ? 1 : 0;
    for (let t = 0; t < m; t++) if (this.slotOf[points[t]] < 0) fresh++;
    if (this.count + fresh > this.cap) this.makeRoom(j, points, m, this.count + fresh);
    let sj = this.slotOf[j];
    if (sj < 0) sj = this.slot(j);
    const { k, cap } = this;
    const base = sj * cap;
    let nMissing = 0;
    for (let t = 0; t < m; t++) {
      const p = points[t];
      let s = this.slotOf[p];
      if (s < 0) s = this.slot(p);
      const v = k[base + s];
      if (v !== 0) out[t] = v;
      else if (Object.is(v, -0)) out[t] = 0;
      else {
        this.missing[nMissing] = p;
        this.missingSlot[nMissing] = t;
        nMissing++;
      }
    }
    if (nMissing > 0) {
      kernelEntries(this.data, j, this.missing, nMissing, this.values);
      for (let r = 0; r < nMissing; r++) {
        const v = this.values[r];
        const s = this.slotOf[this.missing[r]];
        const kept = v === 0 ? -0 : v;
        k[base + s] = kept;
        k[s * cap + sj] = kept;
        out[this.missingSlot[r]] = v;
      }
      this.profile.kernelEntries += nMissing;
    }
    this.profile.kernelMs += performance.now() - t0;
  }

  private slot(p: number): number {
    const s = this.count++;
    this.slotOf[p] = s;
    this.pointOf[s] = p;
    return s;
  }

  /** Grows the slot matrix, or when it is at its cap, rebuilds it around j and `points`. */
  private makeRoom(j: number, points: Int32Array, m: number, need: number): void {
    if (need <= this.maxCap) {
      let cap = this.cap;
      while (cap < need) cap *= 2;
      this.resize(Math.min(cap, this.maxCap), null);
      return;
    }
    // keep only j and the given points
    const keep = new Uint8Array(this.data.n);
    keep[j] = 1;
    for (let t = 0; t < m; t++) keep[points[t]] = 1;
    this.resize(this.maxCap, keep);
    this.profile.kernelCacheResets++;
  }

  private resize(cap: number, keep: Uint8Array | null): void {
    const old = this.k;
    const oldCap = this.cap;
    const oldPoints = this.pointOf.subarray(0, this.count);
    const k = new Float64Array(cap * cap);
    const pointOf = new Int32Array(cap);
    const map = new Int32Array(this.count).fill(-1);
    let c = 0;
    for (let s = 0; s < oldPoints.length; s++) {
      const p = oldPoints[s];
      if (keep === null || keep[p]) {
        map[s] = c;
        pointOf[c] = p;
        this.slotOf[p] = c;
        c++;
      } else this.slotOf[p] = -1;
    }
    if (keep === null) {
      // growth: every slot keeps its number, so each row's entries move as one block
      for (let s = 0; s < c; s++) k.set(old.subarray(s * oldCap, s * oldCap + c), s * cap);
    } else {
      // a rebuild: the kept slots, in order, become 0 … c − 1
      const kept = new Int32Array(c);
      for (let s = 0; s < oldPoints.length; s++) if (map[s] >= 0) kept[map[s]] = s;
      for (let ns = 0; ns < c; ns++) {
        const from = kept[ns] * oldCap;
        const to = ns * cap;
        for (let nt = 0; nt < c; nt++) k[to + nt] = old[from + kept[nt]];
      }
    }
    this.k = k;
    this.cap = cap;
    this.pointOf = pointOf;
    this.count = c;
    this.missing = new Int32Array(cap);
    this.missingSlot = new Int32Array(cap);
    this.values = new Float64Array(cap);
  }
}
