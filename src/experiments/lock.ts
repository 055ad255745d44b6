// One writer per folder: a results folder (or a training folder) is locked by the process that computes into
// it, so that two `npm start`, or `start` and `svm --all`, never compute the same artifacts twice or leave a
// mixture. The lock is a file created exclusively, naming its holder; a holder that no longer runs (killed)
// leaves a stale lock, which the next process takes over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { processAlive } from './store.js';

/** The lock file's name inside the folder. */
export const LOCK_FILE = '.l2angle.lock';

/** Who holds a lock. */
export interface LockHolder {
  pid: number;
  command: string;
  since: string;
}

/** A held lock; `release` removes it (also done when the process exits). */
export interface Lock {
  path: string;
  release(): void;
}

function holderOf(path: string): LockHolder | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' ? (value as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the exclusive lock of `dir` for `command` (created if missing); a live holder is a UsageError that
 * names it, a dead one's lock is taken over.
 */
export function lockFolder(dir: string, command: string, flag = '--results'): Lock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(path);
      if (holder && holder.pid !== process.pid && processAlive(holder.pid)) {
        throw new UsageError(
          `${flag} ${dir} is in use by process ${holder.pid} (${holder.command}, since ${holder.since}): ` +
            'wait for it to finish or stop it, or use another folder',
        );
      }
      // stale (its holder was killed) or half-written: take it over
      rmSync(path, { force: true });
      continue;
    }
    const holder: LockHolder = { pid: process.pid, command, since: new Date().toISOString() };
    writeSync(fd, JSON.stringify(holder));
    closeSync(fd);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      if (holderOf(path)?.pid === process.pid) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new UsageError(`${flag} ${dir}: could not take its lock (${path}); another process keeps taking it`);
}
