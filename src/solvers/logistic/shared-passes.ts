// The logistic path's row and column passes and outer products split between the solver's thread and a
// helper thread, each on a kernel of its own (wasm.ts, an instance holding its own copy of the data), over
// shared memory. A pass is cut into PASS_CHUNKS ranges of outputs; both threads take ranges from one atomic
// ticket until none are left, so the solver never waits for a helper that is busy elsewhere or not started
// yet: it simply takes more ranges itself. A range the helper took and has not finished in time (its thread
// descheduled by the measuring thread, on a 2-core machine) is computed again by the solver. Every output is
// computed by the same kernel on the same inputs whichever thread computes it, so the values are the bits of
// one thread's. Pure: SharedArrayBuffer and Atomics only (the caller starts the thread, in Node or a browser).
import type { WasmPassKernel } from './wasm.js';
import type { Problem } from './workspace.js';

/** Ranges each shared pass is cut into (a pass of 7 vs 9 takes about a millisecond: ranges of ~0.13 ms). */
export const PASS_CHUNKS = 8;

/** The shared memory of one path's passes, made by the solver's side and handed to the helper. */
export interface PassShareBuffers {
  readonly n: number;
  readonly dim: number;
  /** Int32: the ticket, the pass kind, stop, sleeping, the helper's state, wake, then each range's done pass */
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
  /** passes offered to the helper, ranges it computed, and ranges it took but the solver computed again */
  readonly counts: { offered: number; helped: number; redone: number };
}

const TICKET = 0;
const KIND = 1;
const STOP = 2;
const SLEEPING = 3;
const HELPER = 4;
const WAKE = 5;
const DONE = 8;
const READY = 1;

/**
 * The control words (Int32 indices of PassShareBuffers.control) and the helper's ready state: what a helper
 * of another kind, such as a test's, reads and writes.
 */
export const CONTROL = { TICKET, KIND, STOP, SLEEPING, HELPER, WAKE, DONE, READY } as const;
const MARGINS = 1;
const CURVED = 2;
const TRANSPOSE = 3;
const OUTER = 4;
/** the ticket is pass · 16 + the next range: passes count up to this, then start again at 1 */
const LAST_PASS = (1 << 27) - 1;

/** Fresh shared memory for the passes of a path on n images of dim pixels. */
export function passShareBuffers(n: number, dim: number): PassShareBuffers {
  return {
    n,
    dim,
    control: new SharedArrayBuffer(4 * (DONE + PASS_CHUNKS)),
    io: new SharedArrayBuffer(8 * (2 * (dim + 1) + 2 * n + 1)),
    hessian: new SharedArrayBuffer(8 * (dim + 1) * (dim + 1)),
  };
}

/** Views on the shared memory. */
function viewsOf(buffers: PassShareBuffers) {
  const { n, dim } = buffers;
  const io = new Float64Array(buffers.io);
  return {
    control: new Int32Array(buffers.control),
    vector: io.subarray(0, dim + 1),
    perImageIn: io.subarray(dim + 1, dim + 1 + n),
    perImageOut: io.subarray(dim + 1 + n, dim + 1 + 2 * n),
    perPixelOut: io.subarray(dim + 1 + 2 * n, 2 * (dim + 1) + 2 * n),
    least: io.subarray(2 * (dim + 1) + 2 * n),
    hessian: new Float64Array(buffers.hessian),
  };
}

/**
 * Cuts 0 … length into `chunks` ranges of about equal cost, `cumulative[k]` being the cost of 0 … k − 1
 * (length + 1 entries, non-decreasing).
 */
export function balancedCuts(cumulative: ArrayLike<number>, length: number, chunks: number): Int32Array {
  const cuts = new Int32Array(chunks + 1);
  const total = cumulative[length];
  let k = 0;
  for (let c = 1; c < chunks; c++) {
    while (k < length && cumulative[k] < (c * total) / chunks) k++;
    cuts[c] = k;
  }
  cuts[chunks] = length;
  return cuts;
}

/** The ranges of each pass: rows by entries, columns by entries, rows of H by multiply-adds. */
function passCuts(data: Problem) {
  const { rows, columns, activeColumn } = data;
  const m = data.active.length + 1;
  // row r of H costs, for each image lighting its pixel, the image's entries up to that pixel
  const cost = new Float64Array(m);
  for (let i = 0; i < rows.n; i++)
    for (let p = rows.start[i]; p < rows.start[i + 1]; p++)
      cost[activeColumn[p] + 1] += p - rows.start[i] + 1;
  for (let r = 1; r < m; r++) cost[r] += cost[r - 1];
  return {
    rows: balancedCuts(rows.start, rows.n, PASS_CHUNKS),
    columns: balancedCuts(columns.start, columns.dim, PASS_CHUNKS),
    outer: balancedCuts(cost, m - 1, PASS_CHUNKS),
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
  const { n, dim } = data.rows;
  if (buffers.n !== n || buffers.dim !== dim)
    throw new RangeError(`sharedPassRunner: buffers for ${buffers.n} × ${buffers.dim}, data ${n} × ${dim}`);
  const m = data.active.length + 1;
  const shared = viewsOf(buffers);
  const { control } = shared;
  const cuts = passCuts(data);
  const own = new Uint8Array(PASS_CHUNKS);
  // a running mean of the time a range of each kind takes here: how long to wait for the helper's before
  // computing it too
  const rangeMs = new Float64Array(OUTER + 1);
  let pass = 0;
  const counts = { offered: 0, helped: 0, redone: 0 };

  const grab = (): number => {
    for (;;) {
      const ticket = Atomics.load(control, TICKET);
      const next = ticket & 15;
      if (ticket >> 4 !== pass || next >= PASS_CHUNKS) return -1;
      if (Atomics.compareExchange(control, TICKET, ticket, ticket + 1) === ticket) return next;
    }
  };

  /** Runs a pass's ranges here and on the helper; `own` says which were computed here. */
  const run = (kind: number, publish: () => void, compute: (c: number) => void): boolean => {
    own.fill(0);
    if (Atomics.load(control, HELPER) !== READY) {
      for (let c = 0; c < PASS_CHUNKS; c++) compute(c);
      own.fill(1);
      return false;
    }
    publish();
    counts.offered++;
    pass = pass >= LAST_PASS ? 1 : pass + 1;
    Atomics.store(control, KIND, kind);
    Atomics.store(control, TICKET, pass << 4);
    if (Atomics.load(control, SLEEPING) === 1) Atomics.notify(control, TICKET);
    for (let c = grab(); c >= 0; c = grab()) {
      const started = performance.now();
      compute(c);
      const ms = performance.now() - started;
      rangeMs[kind] = rangeMs[kind] === 0 ? ms : 0.8 * rangeMs[kind] + 0.2 * ms;
      own[c] = 1;
    }
    for (let c = 0; c < PASS_CHUNKS; c++) {
      if (own[c]) continue;
      if (Atomics.load(control, DONE + c) === pass) {
        counts.helped++;
        continue;
      }
      const until = performance.now() + 3 * rangeMs[kind] + 0.05;
      let done = false;
      while (!done && performance.now() < until)
        for (let k = 0; k < 64 && !done; k++) done = Atomics.load(control, DONE + c) === pass;
      if (done) counts.helped++;
      else {
        compute(c);
        own[c] = 1;
        counts.redone++;
      }
    }
    return true;
  };

  /** out = this thread's per-image outputs, with the helper's ranges from the shared memory. */
  const gatherImages = (helped: boolean, out: Float64Array) => {
    out.set(kernel.perImage);
    if (!helped) return;
    for (let c = 0; c < PASS_CHUNKS; c++)
      if (!own[c]) out.set(shared.perImageOut.subarray(cuts.rows[c], cuts.rows[c + 1]), cuts.rows[c]);
  };

  return {
    counts,
    margins(out) {
      const helped = run(
        MARGINS,
        () => shared.vector.set(kernel.vector),
        (c) => kernel.margins(cuts.rows[c], cuts.rows[c + 1]),
      );
      gatherImages(helped, out);
    },
    curvedDots(t) {
      const helped = run(
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
      const helped = run(
        TRANSPOSE,
        () => shared.perImageIn.set(kernel.perImage),
        (c) => kernel.transposeTimes(cuts.columns[c], cuts.columns[c + 1]),
      );
      out.set(kernel.perPixel.subarray(0, dim));
      if (!helped) return;
      for (let c = 0; c < PASS_CHUNKS; c++) {
        const [lo, hi] = [cuts.columns[c], cuts.columns[c + 1]];
        if (!own[c]) out.set(shared.perPixelOut.subarray(lo, hi), lo);
      }
    },
    outerProducts(least, a) {
      const helped = run(
        OUTER,
        () => {
          shared.perImageIn.set(kernel.curvature);
          shared.least[0] = least;
        },
        (c) => kernel.outerProducts(least, cuts.outer[c], cuts.outer[c + 1]),
      );
      a.set(kernel.hessian.subarray(0, m * m));
      if (!helped) return;
      for (let c = 0; c < PASS_CHUNKS; c++)
        if (!own[c]) copyOuterRows(shared.hessian, a, m, cuts.outer[c], cuts.outer[c + 1]);
    },
  };
}

/** The helper's side (passServer): serves the shared passes in slices between its own work. */
export interface PassServer {
  /**
   * Takes and computes ranges of the solver's passes until the path is done (`stopPasses`: returns false),
   * `until` (performance.now() milliseconds) has passed or `wakeServer` was called (returns true). Idle, it
   * polls for `spinMs` before it sleeps (a wake-up from Atomics.wait takes a large part of a millisecond on a
   * 2-core virtual machine, about a pass).
   */
  serve(until: number): boolean;
}

/**
 * A server of the passes on `kernel` (the helper's own, on the same data as the solver's): from now on the
 * solver's side hands it ranges (until then it computes them all itself).
 */
export function passServer(
  kernel: WasmPassKernel,
  data: Problem,
  buffers: PassShareBuffers,
  spinMs = 0.3,
): PassServer {
  const { n, dim } = data.rows;
  if (buffers.n !== n || buffers.dim !== dim)
    throw new RangeError(`passServer: buffers for ${buffers.n} × ${buffers.dim}, data ${n} × ${dim}`);
  const m = data.active.length + 1;
  const shared = viewsOf(buffers);
  const { control } = shared;
  const cuts = passCuts(data);
  // the pass whose inputs this kernel holds
  let inputsOf = 0;
  Atomics.store(control, HELPER, READY);

  /** Computes range c of the pass it was taken from. */
  const compute = (pass: number, c: number) => {
    // the range is ours: the solver's side cannot finish this pass (and change its inputs) before it is
    // done or before it computes the range itself, and then ignores what this writes
    const kind = Atomics.load(control, KIND);
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
    Atomics.store(control, DONE + c, pass);
  };

  return {
    serve(until) {
      for (;;) {
        if (Atomics.load(control, STOP) !== 0) return false;
        if (Atomics.exchange(control, WAKE, 0) !== 0 || performance.now() >= until) return true;
        const ticket = Atomics.load(control, TICKET);
        const pass = ticket >> 4;
        const c = ticket & 15;
        if (pass !== 0 && c < PASS_CHUNKS) {
          if (Atomics.compareExchange(control, TICKET, ticket, ticket + 1) === ticket) compute(pass, c);
          continue;
        }
        // idle: poll, then sleep until the next pass, a wake-up or the deadline
        const polling = Math.min(until, performance.now() + spinMs);
        let moved = false;
        while (!moved && performance.now() < polling)
          for (let k = 0; k < 64 && !moved; k++)
            moved = Atomics.load(control, TICKET) !== ticket || Atomics.load(control, WAKE) !== 0;
        if (!moved) {
          Atomics.store(control, SLEEPING, 1);
          const left = until - performance.now();
          if (left > 0 && Atomics.load(control, WAKE) === 0) Atomics.wait(control, TICKET, ticket, left);
          Atomics.store(control, SLEEPING, 0);
        }
      }
    },
  };
}

/** Makes the server's `serve` return soon, sleeping or not (its owner has a message to read). */
export function wakeServer(buffers: PassShareBuffers): void {
  const control = new Int32Array(buffers.control);
  Atomics.store(control, WAKE, 1);
  if (Atomics.load(control, SLEEPING) === 1) Atomics.notify(control, TICKET);
}

/** Tells the helper to stop (its serve returns false); the solver's side then computes every range itself. */
export function stopPasses(buffers: PassShareBuffers): void {
  const control = new Int32Array(buffers.control);
  Atomics.store(control, HELPER, 0);
  Atomics.store(control, STOP, 1);
  Atomics.notify(control, TICKET);
}
