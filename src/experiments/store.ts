// The results folder: artifacts are validated before they are written, written atomically (temp file +
// rename, so a reader or an interrupted run never sees half a file), and validated again when read.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { type ArtifactKind, type artifactSchemas, validateArtifact } from '../schema/artifacts.js';

/** Flushes a folder's entries (the rename) to disk; a file system that cannot is left as it is. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a folder: the rename is then as durable as they make it
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Removes the temp files of writers that are no longer running from a folder: its own entries, or with
 * `recursive` those of its sub-folders too. Returns how many went.
 */
export function removeStaleTempsIn(dir: string, recursive = false): number {
  let removed = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive }) as string[];
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const match = /\.tmp-(\d+)-[0-9a-f]{8}$/.exec(entry);
    if (match && !processAlive(Number(match[1]))) {
      rmSync(join(dir, entry), { force: true });
      removed++;
    }
  }
  return removed;
}

/** The default results folder, relative to the working directory. */
export const DEFAULT_RESULTS_DIR = 'results';

/**
 * Writes a file so that it appears whole or not at all (same-folder temp file, then rename), and durably:
 * the file is flushed to disk before the rename and the folder after it, so that a power loss cannot leave
 * a renamed but empty file.
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fd = openSync(temp, 'w');
    try {
      writeFileSync(fd, contents);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    syncFolder(dirname(path));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** One results folder and the artifacts in it. */
export class ResultsStore {
  /** absolute path of the folder */
  readonly root: string;

  constructor(root: string = DEFAULT_RESULTS_DIR) {
    this.root = resolve(root);
  }

  /** Absolute path of an artifact given its path inside the folder. */
  pathOf(relative: string): string {
    return join(this.root, relative);
  }

  /** Validates and writes an artifact atomically; returns its absolute path. */
  write<K extends ArtifactKind>(
    kind: K,
    relative: string,
    value: z.infer<(typeof artifactSchemas)[K]>,
  ): string {
    const path = this.pathOf(relative);
    const checked = validateArtifact(kind, value, path);
    writeFileAtomic(path, JSON.stringify(checked));
    return path;
  }

  /** Reads and validates an artifact; undefined when the file does not exist yet. */
  read<K extends ArtifactKind>(kind: K, relative: string): z.infer<(typeof artifactSchemas)[K]> | undefined {
    const path = this.pathOf(relative);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return validateArtifact(kind, Symbol('unparsable'), `${path} (not JSON)`);
    }
    return validateArtifact(kind, value, path);
  }

  /**
   * Removes temp files left by writers that were killed between write and rename (their process is gone);
   * a live writer's temp file is left alone. Returns how many were removed.
   */
  removeStaleTemps(): number {
    return removeStaleTempsIn(this.root, true);
  }

  /** The artifact when a valid one of the current version exists; undefined when missing, invalid or stale. */
  readIfValid<K extends ArtifactKind>(
    kind: K,
    relative: string,
  ): z.infer<(typeof artifactSchemas)[K]> | undefined {
    try {
      return this.read(kind, relative);
    } catch {
      return undefined;
    }
  }

  /** True when a valid artifact of the current version exists (an invalid or stale one counts as missing). */
  has(kind: ArtifactKind, relative: string): boolean {
    return this.readIfValid(kind, relative) !== undefined;
  }
}

/** Whether a process of this id is running (EPERM: it is, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
