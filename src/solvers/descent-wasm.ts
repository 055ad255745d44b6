// Gradient descent's passes (DescentPasses of gradient-descent.ts) in WebAssembly: the logistic margins and
// the column pass of assembly/solvers.ts, on the data kept as pixel bytes with 16-bit indices. Each sum is
// the TypeScript loops' in the same order, so the descent's every step is the same bit for bit, at about
// twice the speed. Pure: it takes the compiled build/solvers.wasm.
import type { DescentPasses, DescentProblem } from './gradient-descent.js';
import { pixelBytes, pixelTable, solverInstance } from './wasm-module.js';

interface DescentExports {
  margins(
    lo: number,
    hi: number,
    dim: number,
    start: number,
    column: number,
    value: number,
    table: number,
    y: number,
    theta: number,
    out: number,
  ): void;
  transposeTimes(
    lo: number,
    hi: number,
    start: number,
    row: number,
    value: number,
    table: number,
    t: number,
    out: number,
  ): void;
}

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
    const nnz = rows.start[n];
    if (n > 65536 || dim > 65536) return undefined;
    const rowBytes = pixelBytes(rows.value, nnz);
    const columnBytes = rowBytes && pixelBytes(columns.value, nnz);
    if (!rowBytes || !columnBytes) return undefined;
    const { exports, at } = solverInstance(module, {
      rowStart: (n + 1) * 4,
      rowColumn: nnz * 2,
      rowValue: nnz,
      colStart: (dim + 1) * 4,
      colRow: nnz * 2,
      colValue: nnz,
      table: 256 * 8,
      y: n * 8,
      theta: (dim + 1) * 8,
      perImage: n * 8,
      perPixel: dim * 8,
    });
    const wasm = exports as unknown as DescentExports;
    const { buffer } = exports.memory;
    new Int32Array(buffer, at.rowStart, n + 1).set(rows.start.subarray(0, n + 1));
    new Uint16Array(buffer, at.rowColumn, nnz).set(rows.column.subarray(0, nnz));
    new Uint8Array(buffer, at.rowValue, nnz).set(rowBytes);
    new Int32Array(buffer, at.colStart, dim + 1).set(columns.start.subarray(0, dim + 1));
    new Uint16Array(buffer, at.colRow, nnz).set(columns.row.subarray(0, nnz));
    new Uint8Array(buffer, at.colValue, nnz).set(columnBytes);
    pixelTable(new Float64Array(buffer, at.table, 256));
    new Float64Array(buffer, at.y, n).set(y.subarray(0, n));
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
