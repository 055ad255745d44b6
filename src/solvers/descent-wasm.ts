// Gradient descent's passes (DescentPasses of gradient-descent.ts) in WebAssembly: the logistic margins and
// the column pass of assembly/solvers.ts, on the data kept as pixel bytes with 16-bit indices. Each sum is
// the TypeScript loops' in the same order, so the descent's every step is the same bit for bit, at about
// twice the speed. Pure: it takes the compiled build/solvers.wasm.
import type { DescentPasses, DescentProblem } from './gradient-descent.js';
import type { SolverExports } from './logistic/wasm.js';
import { byteDataInstance } from './wasm-module.js';

/**
 * The passes on an instance of `module` of their own (a copy of the data in its memory: 6 bytes an entry),
 * or undefined for data that are not pixel bytes or have more than 65 536 images or pixels (then the
 * TypeScript passes serve).
 */
export function wasmDescentPasses(
  module: WebAssembly.Module,
): (problem: Pick<DescentProblem, 'rows' | 'columns' | 'y'>) => DescentPasses | undefined {
  return ({ rows, columns, y }) => {
    const { n, dim } = rows;
    const instance = byteDataInstance(
      module,
      { rows, columns, y },
      { theta: (dim + 1) * 8, perImage: n * 8, perPixel: dim * 8 },
    );
    if (!instance) return undefined;
    const { exports, at } = instance;
    const wasm = exports as unknown as Pick<SolverExports, 'margins' | 'transposeTimes'>;
    const { buffer } = exports.memory;
    const theta = new Float64Array(buffer, at.theta, dim + 1);
    const perImage = new Float64Array(buffer, at.perImage, n);
    const perPixel = new Float64Array(buffer, at.perPixel, dim);
    return {
      margins(w, b, lo, hi, z) {
        theta.set(w.subarray(0, dim));
        theta[dim] = b;
        wasm.margins(
          lo,
          hi,
          dim,
          at.rowStart,
          at.rowColumn,
          at.rowValue,
          at.table,
          at.y,
          at.theta,
          at.perImage,
        );
        z.set(perImage.subarray(lo, hi), lo);
      },
      gradientEntries(c, lo, hi, g) {
        perImage.set(c.subarray(0, n));
        wasm.transposeTimes(lo, hi, at.colStart, at.colRow, at.colValue, at.table, at.perImage, at.perPixel);
        g.set(perPixel.subarray(lo, hi), lo);
      },
    };
  };
}
