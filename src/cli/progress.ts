// Progress bars on stderr (cli-progress), so stdout stays clean for data such as CSV.
import cliProgress from 'cli-progress';

/** A progress bar for `total` steps; `update` moves it and shows a short status text. */
export interface Progress {
  /** moves to `done`; a different `total` (a job's next phase) resets the bar's length */
  update(done: number, status?: string, total?: number): void;
  increment(status?: string): void;
  stop(): void;
}

/** A progress bar on stderr; in a terminal it redraws in place, elsewhere it prints a line every few seconds. */
export function createProgress(label: string, total: number, quiet = false): Progress {
  if (quiet) return { update() {}, increment() {}, stop() {} };
  let length = total;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {status}`,
      barsize: 30,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      etaBuffer: 20,
      fps: 5,
      // before the rate is known cli-progress would print "NULL" or "INF"
      formatTime: (seconds: number, options: object, roundTo: number) =>
        Number.isFinite(seconds) ? cliProgress.Format.TimeFormat(seconds, options, roundTo) : '…',
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: '' });
  return {
    update(done, status = '', next = length) {
      if (next !== length) {
        length = next;
        bar.setTotal(next);
      }
      bar.update(done, { status });
    },
    increment(status = '') {
      bar.increment(1, { status });
    },
    stop() {
      bar.stop();
    },
  };
}
