// The hinge solvers' long row-dot passes (the gradient over every image, or over a screened list of rows)
// shared with a helper thread (range-share.ts), each thread on an instance of its own (wasm.ts
// wasmHingeDots). Short lists stay on the solver's thread. The same bits as on one thread.
import {
  balancedCuts,
  copyHelped,
  RANGES,
  type RangeRunner,
  rangeRunner,
  rangeServer,
} from '../range-share.js';
import type { HingeData } from './data.js';
import type { WasmHingeDots } from './wasm.js';

/** The shared memory of one hinge path's passes, made by the solver's side and handed to the helper. */
export interface HingeShareBuffers {
  readonly n: number;
  readonly dim: number;
  /** range-share.ts's control words */
  readonly control: SharedArrayBuffer;
  /** Float64: u (dim), then the helper's dot products (n) */
  readonly io: SharedArrayBuffer;
  /** Int32: the list of rows (n), then its length */
  readonly list: SharedArrayBuffer;
}

/** The passes the solver's side runs through the share (wasm.ts wasmHingeKernels calls them). */
export interface SharedHingeDots {
  /** into[k] = A_{rows[k]}·u for k < count, u and rows as set in the instance's views */
  rowDots(count: number, into: Float64Array): void;
  /** into[i] = A_i·u for every image */
  allDots(into: Float64Array): void;
  /** how the sharing went (RangeRunner.counts) */
  readonly counts: RangeRunner['counts'];
}

/**
 * Lists of rows shorter than this are not offered to the helper: their pass takes a few tens of microseconds,
 * about what handing it over costs.
 */
export const SHARED_ROWS = 1024;

const ROW_DOTS = 1;
const ALL_DOTS = 2;

/** Fresh shared memory for the passes of a path on n images of dim pixels. */
export function hingeShareBuffers(n: number, dim: number, control: SharedArrayBuffer): HingeShareBuffers {
  return {
    n,
    dim,
    control,
    io: new SharedArrayBuffer(8 * (dim + n)),
    list: new SharedArrayBuffer(4 * (n + 1)),
  };
}

function viewsOf(buffers: HingeShareBuffers, data: HingeData) {
  const { n, dim } = buffers;
  if (data.n !== n || data.dim !== dim)
    throw new RangeError(`shared hinge passes: buffers for ${n} × ${dim}, data ${data.n} × ${data.dim}`);
  const io = new Float64Array(buffers.io);
  return { u: io.subarray(0, dim), out: io.subarray(dim), list: new Int32Array(buffers.list) };
}

/** The ranges of a list of `count` rows (rows of a list are about equally long: equal counts). */
const listCuts = (count: number) =>
  Int32Array.from({ length: RANGES + 1 }, (_, c) => Math.floor((c * count) / RANGES));

/**
 * The ranges of a pass over every image: of equal nonzeros for compressed rows, of equal counts for rows
 * held dense (all equally long; they have no row starts to balance by).
 */
export const imageCutsOf = (data: HingeData) =>
  data.sparse ? balancedCuts(data.start, data.n) : listCuts(data.n);

/**
 * The solver's side: the long passes on `dots` (the solver's own instance), with a helper serving `buffers`
 * (hingeServer) whenever it is ready; until then, or once it has stopped, every range is computed here.
 */
export function sharedHingeDots(
  dots: WasmHingeDots,
  data: HingeData,
  buffers: HingeShareBuffers,
): SharedHingeDots {
  const { n } = data;
  const shared = viewsOf(buffers, data);
  const imageCuts = imageCutsOf(data);
  const runner = rangeRunner(buffers.control);
  const { own } = runner;
  return {
    counts: runner.counts,
    rowDots(count, into) {
      if (count < SHARED_ROWS) {
        dots.rowDots(0, count);
        into.set(dots.out.subarray(0, count));
        return;
      }
      const cuts = listCuts(count);
      const helped = runner.run(
        ROW_DOTS,
        () => {
          shared.u.set(dots.u);
          shared.list.set(dots.rows.subarray(0, count));
          shared.list[n] = count;
        },
        (c) => dots.rowDots(cuts[c], cuts[c + 1]),
      );
      into.set(dots.out.subarray(0, count));
      if (helped) copyHelped(own, cuts, shared.out, into);
    },
    allDots(into) {
      const helped = runner.run(
        ALL_DOTS,
        () => shared.u.set(dots.u),
        (c) => dots.allDots(imageCuts[c], imageCuts[c + 1]),
      );
      into.set(dots.out);
      if (helped) copyHelped(own, imageCuts, shared.out, into);
    },
  };
}

/**
 * The helper's side: a server (range-share.ts) of the passes on `dots` (the helper's own instance on the same
 * data as the solver's); from now on the solver's side hands it ranges.
 */
export function hingeServer(
  dots: WasmHingeDots,
  data: HingeData,
  buffers: HingeShareBuffers,
  spinMs?: number,
) {
  const { n } = data;
  const shared = viewsOf(buffers, data);
  const imageCuts = imageCutsOf(data);
  // the pass whose inputs this instance holds, and its ranges
  let inputsOf = 0;
  let cuts = imageCuts;
  return rangeServer(
    buffers.control,
    (pass, kind, c) => {
      if (inputsOf !== pass) {
        inputsOf = pass;
        dots.u.set(shared.u);
        cuts = imageCuts;
        if (kind === ROW_DOTS) {
          const count = Math.min(n, Math.max(0, shared.list[n]));
          dots.rows.set(shared.list.subarray(0, count));
          cuts = listCuts(count);
        }
      }
      const [lo, hi] = [cuts[c], cuts[c + 1]];
      if (kind === ROW_DOTS) dots.rowDots(lo, hi);
      else dots.allDots(lo, hi);
      shared.out.set(dots.out.subarray(lo, hi), lo);
    },
    spinMs,
  );
}
