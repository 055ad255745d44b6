// Whether the experiments run as compiled JavaScript (dist/), so that a worker thread can load one of their
// modules; from TypeScript (tsx, the tests) a worker could not, and the callers stay on one thread.

/** True when this module, and so every module beside it, is compiled JavaScript. */
export function canLoadWorkers(): boolean {
  return import.meta.url.endsWith('.js');
}
