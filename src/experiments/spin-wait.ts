// Waiting on a word of shared memory (Atomics) between threads that hand each other work every millisecond
// or so: a short poll before sleeping. Waking a thread that sleeps in Atomics.wait took a large part of a
// millisecond on the 2-core virtual machines we measure on; polling longer than the other thread's usual
// delay only burns a core that a busy machine needs.

/** How long a thread polls before it sleeps, in milliseconds. */
export const SPIN_MS = 0.2;

/**
 * Polls word[index] while `waiting(value)` holds, for at most `budgetMs`; returns whether it stopped
 * waiting (otherwise the caller sleeps in Atomics.wait as before).
 */
export function spinWhile(
  word: Int32Array,
  index: number,
  waiting: (value: number) => boolean,
  budgetMs = SPIN_MS,
): boolean {
  const until = performance.now() + budgetMs;
  for (;;) {
    for (let k = 0; k < 64; k++) if (!waiting(Atomics.load(word, index))) return true;
    if (performance.now() > until) return false;
  }
}
