// A solver's passes over its data shared between the solver's thread and a helper thread over shared memory,
// each thread on kernels of its own (an instance holding its own copy of the data). A pass is cut into
// RANGES ranges of outputs; both threads take ranges from one atomic ticket until none are left, so the
// solver never waits for a helper that is busy elsewhere or not started yet: it simply takes more ranges
// itself. A range the helper took and has not finished in time (its thread descheduled, on a 2-core machine)
// is computed again by the solver. Every output is computed by the same kernel on the same inputs whichever
// thread computes it, so the values are the bits of one thread's. The passes themselves (their inputs,
// outputs and ranges) are the callers': logistic/shared-passes.ts, hinge/shared-kernels.ts. Pure:
// SharedArrayBuffer and Atomics only (the caller starts the thread, in Node or a browser).

/** Ranges each shared pass is cut into (a logistic pass of 7 vs 9 takes about a millisecond). */
export const RANGES = 8;

const TICKET = 0;
const KIND = 1;
const STOP = 2;
const SLEEPING = 3;
const HELPER = 4;
const WAKE = 5;
const DONE = 8;
const READY = 1;

/**
 * The control words (Int32 indices into the control buffer) and the helper's ready state: what a helper of
 * another kind, such as a test's, reads and writes. The ticket is pass · 16 + the next range.
 */
export const CONTROL = { TICKET, KIND, STOP, SLEEPING, HELPER, WAKE, DONE, READY } as const;

/** passes count up to this, then start again at 1 */
const LAST_PASS = (1 << 27) - 1;

/** A fresh control buffer (Int32 words) for one solve's shared passes. */
export function rangeControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * (DONE + RANGES));
}

/**
 * Cuts 0 … length into `chunks` ranges of about equal cost, `cumulative[k]` being the cost of 0 … k − 1
 * (length + 1 entries, non-decreasing).
 */
export function balancedCuts(cumulative: ArrayLike<number>, length: number, chunks = RANGES): Int32Array {
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

/**
 * into[cuts[c] … cuts[c + 1]) = from's entries there for each range c the helper computed (own[c] = 0): a
 * pass's outputs gathered from the shared memory after `run`.
 */
export function copyHelped(own: Uint8Array, cuts: Int32Array, from: Float64Array, into: Float64Array): void {
  for (let c = 0; c < RANGES; c++) if (!own[c]) into.set(from.subarray(cuts[c], cuts[c + 1]), cuts[c]);
}

/** The solver's side of the share. */
export interface RangeRunner {
  /**
   * Runs a pass of `kind` (a positive number the server's `compute` knows): when a helper is ready,
   * `publish()` first writes the pass's inputs to the shared memory; `compute(c)` computes range c here.
   * Returns whether the helper was offered the pass; then `own[c]` says which ranges were computed here (the
   * others' outputs are in the shared memory).
   */
  run(kind: number, publish: () => void, compute: (c: number) => void): boolean;
  readonly own: Uint8Array;
  /** passes offered to the helper, ranges it computed, and ranges it took but the solver computed again */
  readonly counts: { offered: number; helped: number; redone: number };
}

/** The solver's side on `control`: passes are offered once a server is ready (until then all run here). */
export function rangeRunner(control: SharedArrayBuffer): RangeRunner {
  const words = new Int32Array(control);
  const own = new Uint8Array(RANGES);
  // a running mean of the time a range of each kind takes here: how long to wait for the helper's before
  // computing it too
  const rangeMs = new Map<number, number>();
  let pass = 0;
  const counts = { offered: 0, helped: 0, redone: 0 };

  const grab = (): number => {
    for (;;) {
      const ticket = Atomics.load(words, TICKET);
      const next = ticket & 15;
      if (ticket >> 4 !== pass || next >= RANGES) return -1;
      if (Atomics.compareExchange(words, TICKET, ticket, ticket + 1) === ticket) return next;
    }
  };

  return {
    own,
    counts,
    run(kind, publish, compute) {
      own.fill(0);
      if (Atomics.load(words, HELPER) !== READY) {
        for (let c = 0; c < RANGES; c++) compute(c);
        own.fill(1);
        return false;
      }
      publish();
      counts.offered++;
      pass = pass >= LAST_PASS ? 1 : pass + 1;
      Atomics.store(words, KIND, kind);
      Atomics.store(words, TICKET, pass << 4);
      if (Atomics.load(words, SLEEPING) === 1) Atomics.notify(words, TICKET);
      let mean = rangeMs.get(kind) ?? 0;
      for (let c = grab(); c >= 0; c = grab()) {
        const started = performance.now();
        compute(c);
        const ms = performance.now() - started;
        mean = mean === 0 ? ms : 0.8 * mean + 0.2 * ms;
        own[c] = 1;
      }
      rangeMs.set(kind, mean);
      for (let c = 0; c < RANGES; c++) {
        if (own[c]) continue;
        const until = performance.now() + 3 * mean + 0.05;
        let done = Atomics.load(words, DONE + c) === pass;
        while (!done && performance.now() < until)
          for (let k = 0; k < 64 && !done; k++) done = Atomics.load(words, DONE + c) === pass;
        if (done) counts.helped++;
        else {
          compute(c);
          own[c] = 1;
          counts.redone++;
        }
      }
      return true;
    },
  };
}

/** The helper's side of the share, serving in slices between its own work. */
export interface RangeServer {
  /**
   * Takes and computes ranges of the solver's passes until the solve is done (`stopRanges`: returns false),
   * `until` (performance.now() milliseconds) has passed or `wakeServer` was called (returns true). Idle, it
   * polls for spinMs before it sleeps (a wake-up from Atomics.wait takes a large part of a millisecond on a
   * 2-core virtual machine, about a pass).
   */
  serve(until: number): boolean;
}

/**
 * The helper's side on `control`: ready from now on; `compute(pass, kind, c)` computes range c of a pass of
 * `kind` from the inputs in the shared memory (read them again when `pass` changes) and writes its outputs
 * there. A pass the solver has given up waiting for may change under it: what it then writes is ignored.
 */
export function rangeServer(
  control: SharedArrayBuffer,
  compute: (pass: number, kind: number, c: number) => void,
  spinMs = SPIN_MS,
): RangeServer {
  const words = new Int32Array(control);
  Atomics.store(words, HELPER, READY);
  return {
    serve(until) {
      for (;;) {
        if (Atomics.load(words, STOP) !== 0) return false;
        if (Atomics.exchange(words, WAKE, 0) !== 0 || performance.now() >= until) return true;
        const ticket = Atomics.load(words, TICKET);
        const pass = ticket >> 4;
        const c = ticket & 15;
        if (pass !== 0 && c < RANGES) {
          if (Atomics.compareExchange(words, TICKET, ticket, ticket + 1) === ticket) {
            // the range is ours: the solver cannot finish this pass (and change its inputs) before it is
            // done or before it computes the range itself, and then ignores what this writes
            compute(pass, Atomics.load(words, KIND), c);
            Atomics.store(words, DONE + c, pass);
          }
          continue;
        }
        // idle: poll, then sleep until the next pass, a wake-up or the deadline
        const polling = Math.min(until, performance.now() + spinMs);
        let moved = false;
        while (!moved && performance.now() < polling)
          for (let k = 0; k < 64 && !moved; k++)
            moved = Atomics.load(words, TICKET) !== ticket || Atomics.load(words, WAKE) !== 0;
        if (!moved) {
          Atomics.store(words, SLEEPING, 1);
          const left = until - performance.now();
          if (left > 0 && Atomics.load(words, WAKE) === 0) Atomics.wait(words, TICKET, ticket, left);
          Atomics.store(words, SLEEPING, 0);
        }
      }
    },
  };
}

/**
 * How long an idle server polls before it sleeps, in milliseconds. Its thread is the one that measures the
 * models, otherwise idle: polling costs the machine nothing while the two threads have a core each, and a
 * sleeping server misses the short passes between the solver's other work.
 */
export const SPIN_MS = 0.3;

/** Makes the server's `serve` return soon, sleeping or not (its owner has a message to read). */
export function wakeServer(control: SharedArrayBuffer): void {
  const words = new Int32Array(control);
  Atomics.store(words, WAKE, 1);
  if (Atomics.load(words, SLEEPING) === 1) Atomics.notify(words, TICKET);
}

/** Tells the helper the solve is done (its serve returns false); the solver's side then computes every range. */
export function stopRanges(control: SharedArrayBuffer): void {
  const words = new Int32Array(control);
  Atomics.store(words, HELPER, 0);
  Atomics.store(words, STOP, 1);
  Atomics.notify(words, TICKET);
}
