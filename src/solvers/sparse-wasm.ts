// The measurements' passes over a pair's images (SparseRowPasses: scores against each model, the power
// iteration of the widest direction) in WebAssembly (assembly/solvers.ts), bit for bit the TypeScript ones
// and several times faster on their gathers. Pure: it takes the compiled build/solvers.wasm.
import { type SparseRowPasses, type SparseRows, sequentialRowPasses } from '../math/sparse.js';
import { entryBytes, pixelTable, solverInstance } from './wasm-module.js';

interface RowExports {
  rowScores(
    n: number,
    start: number,
    column: number,
    value: number,
    table: number,
    v: number,
    b: number,
    out: number,
  ): void;
  spreadStep(
    n: number,
    start: number,
    column: number,
    value: number,
    table: number,
    v: number,
    on: number,
    next: number,
  ): number;
}

/**
 * The passes over each set of rows on its own instance of `module` (a copy of the rows in its memory, as
 * pixel bytes with 16-bit columns); rows of other values, or of more than 65 536 columns, get the TypeScript
 * passes.
 */
export function wasmRowPasses(module: WebAssembly.Module): (rows: SparseRows) => SparseRowPasses {
  return (rows) => {
    const { n, dim } = rows;
    const nnz = rows.start[n];
    const bytes = dim <= 65536 ? entryBytes(rows.value, rows.bytes, nnz) : undefined;
    if (!bytes) return sequentialRowPasses(rows);
    const { exports, at } = solverInstance(module, {
      start: (n + 1) * 4,
      column: nnz * 2,
      value: nnz,
      table: 256 * 8,
      v: dim * 8,
      next: dim * 8,
      out: n * 8,
    });
    const wasm = exports as unknown as RowExports;
    const { buffer } = exports.memory;
    new Int32Array(buffer, at.start, n + 1).set(rows.start);
    new Uint16Array(buffer, at.column, nnz).set(rows.column.subarray(0, nnz));
    new Uint8Array(buffer, at.value, nnz).set(bytes);
    pixelTable(new Float64Array(buffer, at.table, 256));
    const v = new Float64Array(buffer, at.v, dim);
    const next = new Float64Array(buffer, at.next, dim);
    const out = new Float64Array(buffer, at.out, n);
    return {
      scores(w, b, into) {
        v.set(w.subarray(0, dim));
        wasm.rowScores(n, at.start, at.column, at.value, at.table, at.v, b, at.out);
        into.set(out);
      },
      spreadStep(direction, on, into) {
        v.set(direction.subarray(0, dim));
        next.set(into.subarray(0, dim));
        const sum = wasm.spreadStep(n, at.start, at.column, at.value, at.table, at.v, on, at.next);
        into.set(next);
        return sum;
      },
    };
  };
}
