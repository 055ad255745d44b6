import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJobs } from '../../src/cli/run-jobs.js';
import type { Job } from '../../src/experiments/job.js';
import { ResultsStore } from '../../src/experiments/store.js';

const root = mkdtempSync(join(tmpdir(), 'l2angle-run-jobs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('runJobs', () => {
  it('stops the progress bar of a job that fails, so the failed command can exit', async () => {
    const failing: Job = {
      id: 'fails',
      title: 'fails half way',
      study: 'test',
      artifacts: ['x.json'],
      isDone: () => false,
      async run(_store, progress) {
        progress(1, 10, 'step 1');
        throw new Error('disk full');
      },
    };
    const before = timers();
    await expect(runJobs([failing], new ResultsStore(root))).rejects.toThrow(/disk full/);
    // no timer of a progress bar is left to keep the process alive
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
