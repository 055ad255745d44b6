import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { LOCK_FILE, lockFolder } from '../../src/experiments/lock.js';

const root = mkdtempSync(join(tmpdir(), 'l2angle-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const bin = new URL('../../bin/l2angle.js', import.meta.url).pathname;

describe('folder locks', () => {
  it('refuses a second holder while the first lives, naming it, and frees the folder on release', () => {
    const dir = join(root, 'results');
    const lock = lockFolder(dir, 'l2angle start');
    const holder = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, command: 'l2angle start' });
    // another process: the CLI's `svm --all` on the same folder stops with one line, exit 2, nothing computed
    const other = spawnSync(process.execPath, [bin, 'svm', '--all', '--per-class', '16', '--results', dir], {
      encoding: 'utf8',
    });
    expect(other.status).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toMatch(new RegExp(`is in use by process ${process.pid} \\(l2angle start, since `));
    expect(existsSync(join(dir, 'svm'))).toBe(false);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockFolder(dir, 'again').release();
  });

  it('takes over the stale lock of a killed process', () => {
    const dir = join(root, 'stale');
    lockFolder(dir, 'first').release();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 999_999, command: 'killed', since: 'then' }));
    const lock = lockFolder(dir, 'second');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).command).toBe('second');
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), 'half-written');
    lockFolder(dir, 'third').release();
  });

  it('is a usage error, not a crash, for a live holder in this process’s own terms', () => {
    const dir = join(root, 'busy');
    // a holder that is alive (this test's parent process) and is not us
    writeFileSync(
      join(lockFolder(dir, 'x').path),
      JSON.stringify({ pid: process.ppid, command: 'l2angle train lenet', since: 'now' }),
    );
    expect(() => lockFolder(dir, 'y', '--out')).toThrow(UsageError);
    expect(() => lockFolder(dir, 'y', '--out')).toThrow(/--out .* is in use by process/);
  });
});
