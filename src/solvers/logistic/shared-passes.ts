// The logistic path's row and column passes and outer products shared with a helper thread (range-share.ts):
// each pass is cut into ranges of rows of the data, columns of the data or rows of H, and each thread computes
// its ranges on a kernel of its own (wasm.ts wasmPassKernel). The same bits as on one thread.
import {
  balancedCuts,
  copyHelped,
  RANGES,
  type RangeRunner,
  rangeRunner,
  rangeServer,
} from '../range-share.js';
import type { WasmPassKernel } from './wasm.js';
import type { Problem } from './workspace.js';

/** The shared memory of one path's passes, made by the solver's side and handed to the helper. */
export interface PassShareBuffers {
  readonly n: number;
  readonly dim: number;
  /** range-share.ts's control words */
  readonly control: SharedArrayBuffer;
  /** Float64: the inputs (vector, per-image) and the helper's outputs (per-image, per-pixel), `least` */
  readonly io: SharedArrayBuffer;
  /** Float64: the helper's rows of the outer products, (dim + 1)² entries at most */
  readonly hessian: SharedArrayBuffer;
}

/** The passes the solver's side runs through the share (wasm.ts kernelPasses calls them). */
export interface SharedPassRunner {
  /** out = the margins of kernel.vector */
  margins(out: Float64Array): void;
  /** t = the curved dots of kernel.curvature and kernel.vector */
  curvedDots(t: Float64Array): void;
  /** out[0 … dim − 1] = Xᵀ kernel.perImage */
  transposeTimes(out: Float64Array): void;
  /** a = the outer products of kernel.curvature (kernel.hessian zero on entry) */
  outerProducts(least: number, a: Float64Array): void;
  /** how the sharing went (RangeRunner.counts) */
  readonly counts: RangeRunner['counts'];
}

const MARGINS = 1;
const CURVED = 2;
const TRANSPOSE = 3;
const OUTER = 4;

/** Fresh shared memory for the passes of a path on n images of dim pixels. */
export function passShareBuffers(n: number, dim: number, control: SharedArrayBuffer): PassShareBuffers {
  return {
    n,
    dim,
    control,
    io: new SharedArrayBuffer(8 * (2 * (dim + 1) + 2 * n + 1)),
    hessian: new SharedArrayBuffer(8 * (dim + 1) * (dim + 1)),
  };
}

/** Views on the shared memory, after checking it was made for the data. */
function viewsOf(buffers: PassShareBuffers, data: Problem) {
  const { n, dim } = buffers;
  if (data.rows.n !== n || data.rows.dim !== dim)
    throw new RangeError(`shared passes: buffers for ${n} × ${dim}, data ${data.rows.n} × ${data.rows.dim}`);
  const io = new Float64Array(buffers.io);
  return {
    vector: io.subarray(0, dim + 1),
    perImageIn: io.subarray(dim + 1, dim + 1 + n),
    perImageOut: io.subarray(dim + 1 + n, dim + 1 + 2 * n),
    perPixelOut: io.subarray(dim + 1 + 2 * n, 2 * (dim + 1) + 2 * n),
    least: io.subarray(2 * (dim + 1) + 2 * n),
    hessian: new Float64Array(buffers.hessian),
  };
}

/** The ranges of each pass: rows by entries, columns by entries, rows of H by multiply-adds. */
function passCuts(data: Problem) {
  const { rows, columns, activeColumn } = data;
  const m = data.active.length + 1;
  // row r of H costs, for each image lighting its pixel, the image's entries up to that pixel
  const cost = new Float64Array(m);
  for (let i = 0; i < rows.n; i++) {
    const first = rows.start[i];
    for (let p = first; p < rows.start[i + 1]; p++) cost[activeColumn[p] + 1] += p - first + 1;
  }
  for (let r = 1; r < m; r++) cost[r] += cost[r - 1];
  return {
    rows: balancedCuts(rows.start, rows.n),
    columns: balancedCuts(columns.start, columns.dim),
    outer: balancedCuts(cost, m - 1),
  };
}

/** Copies rows r0 … r1 − 1 of the outer products (lower triangle, and the last row's columns) from → to. */
function copyOuterRows(from: Float64Array, to: Float64Array, m: number, r0: number, r1: number): void {
  for (let r = r0; r < r1; r++) to.set(from.subarray(r * m, r * m + r + 1), r * m);
  const last = (m - 1) * m;
  to.set(from.subarray(last + r0, last + r1), last + r0);
}

/**
 * The solver's side: the shared passes on `kernel` (the solver's own), with a helper serving `buffers`
 * (passServer) whenever it is ready; until then, or once it has stopped, every range is computed here.
 */
export function sharedPassRunner(
  kernel: WasmPassKernel,
  data: Problem,
  buffers: PassShareBuffers,
): SharedPassRunner {
  const { dim } = data.rows;
  const m = data.active.length + 1;
  const shared = viewsOf(buffers, data);
  const cuts = passCuts(data);
  const runner = rangeRunner(buffers.control);
  const { own } = runner;

  /** out = this thread's per-image outputs, with the helper's ranges from the shared memory. */
  const gatherImages = (helped: boolean, out: Float64Array) => {
    out.set(kernel.perImage);
    if (helped) copyHelped(own, cuts.rows, shared.perImageOut, out);
  };

  return {
    counts: runner.counts,
    margins(out) {
      const helped = runner.run(
        MARGINS,
        () => shared.vector.set(kernel.vector),
        (c) => kernel.margins(cuts.rows[c], cuts.rows[c + 1]),
      );
      gatherImages(helped, out);
    },
    curvedDots(t) {
      const helped = runner.run(
        CURVED,
        () => {
          shared.vector.set(kernel.vector);
          shared.perImageIn.set(kernel.curvature);
        },
        (c) => kernel.curvedDots(cuts.rows[c], cuts.rows[c + 1]),
      );
      gatherImages(helped, t);
    },
    transposeTimes(out) {
      const helped = runner.run(
        TRANSPOSE,
        () => shared.perImageIn.set(kernel.perImage),
        (c) => kernel.transposeTimes(cuts.columns[c], cuts.columns[c + 1]),
      );
      out.set(kernel.perPixel.subarray(0, dim));
      if (helped) copyHelped(own, cuts.columns, shared.perPixelOut, out);
    },
    outerProducts(least, a) {
      const helped = runner.run(
        OUTER,
        () => {
          shared.perImageIn.set(kernel.curvature);
          shared.least[0] = least;
        },
        (c) => kernel.outerProducts(least, cuts.outer[c], cuts.outer[c + 1]),
      );
      a.set(kernel.hessian.subarray(0, m * m));
      if (!helped) return;
      for (let c = 0; c < RANGES; c++)
        if (!own[c]) copyOuterRows(shared.hessian, a, m, cuts.outer[c], cuts.outer[c + 1]);
    },
  };
}

/**
 * The helper's side: a server (range-share.ts) of the passes on `kernel` (the helper's own, on the same data
 * as the solver's); from now on the solver's side hands it ranges.
 */
export function passServer(
  kernel: WasmPassKernel,
  data: Problem,
  buffers: PassShareBuffers,
  spinMs?: number,
) {
  const m = data.active.length + 1;
  const shared = viewsOf(buffers, data);
  const cuts = passCuts(data);
  // the pass whose inputs this kernel holds
  let inputsOf = 0;
  return rangeServer(
    buffers.control,
    (pass, kind, c) => {
      if (inputsOf !== pass) {
        inputsOf = pass;
        if (kind === MARGINS || kind === CURVED) kernel.vector.set(shared.vector);
        if (kind === CURVED || kind === OUTER) kernel.curvature.set(shared.perImageIn);
        if (kind === TRANSPOSE) kernel.perImage.set(shared.perImageIn);
        if (kind === OUTER) kernel.hessian.fill(0);
      }
      if (kind === MARGINS || kind === CURVED) {
        const [lo, hi] = [cuts.rows[c], cuts.rows[c + 1]];
        if (kind === MARGINS) kernel.margins(lo, hi);
        else kernel.curvedDots(lo, hi);
        shared.perImageOut.set(kernel.perImage.subarray(lo, hi), lo);
      } else if (kind === TRANSPOSE) {
        const [lo, hi] = [cuts.columns[c], cuts.columns[c + 1]];
        kernel.transposeTimes(lo, hi);
        shared.perPixelOut.set(kernel.perPixel.subarray(lo, hi), lo);
      } else if (kind === OUTER) {
        const [r0, r1] = [cuts.outer[c], cuts.outer[c + 1]];
        kernel.outerProducts(shared.least[0], r0, r1);
        copyOuterRows(kernel.hessian, shared.hessian, m, r0, r1);
      }
    },
    spinMs,
  );
}
