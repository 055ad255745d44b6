// In-place Cholesky factorisation A = L Lᵀ of a dense symmetric positive definite matrix and the two
// triangular solves. Row-major lower triangle; the inner loops are dot products over contiguous rows.

/**
 * Factorises the lower triangle of the m × m row-major matrix `a` in place (the strict upper triangle is
 * ignored). Returns false, leaving `a` partly overwritten, when a pivot is not positive.
 */
export function choleskyInPlace(a: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    const rj = j * m;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < m; i++) {
      const ri = i * m;
      let s0 = a[ri + j];
      let s1 = 0;
      let k = 0;
      // two partial sums: the dot product over row prefixes is this factorisation's whole cost
      for (; k + 1 < j; k += 2) {
        s0 -= a[ri + k] * a[rj + k];
        s1 -= a[ri + k + 1] * a[rj + k + 1];
      }
      if (k < j) s0 -= a[ri + k] * a[rj + k];
      a[ri + j] = (s0 + s1) * inv;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place (b becomes x) with the factor from choleskyInPlace. */
export function choleskySolve(l: Float64Array, m: number, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    const xi = b[i] / l[i * m + i];
    b[i] = xi;
    // column i of Lᵀ x: subtract from the earlier unknowns, reading row i of L contiguously
    const ri = i * m;
    for (let k = 0; k < i; k++) b[k] -= l[ri + k] * xi;
  }
}
