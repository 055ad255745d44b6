import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/experiments/job.js';
import { ResultsStore } from '../../src/experiments/store.js';
import { JobRunner } from '../../src/server/job-runner.js';

const root = mkdtempSync(join(tmpdir(), 'l2angle-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('JobRunner', () => {
  it("keeps a job's solver warnings in its status (the terminal and the page show them), at most 20", async () => {
    const job: Job = {
      id: 'svm:test',
      title: 'paths that stop short',
      study: 'test',
      artifacts: ['x.json'],
      isDone: () => false,
      async run(_store, progress, warn) {
        progress(0, 1, 'solving');
        for (let k = 0; k < 25; k++)
          warn?.(`7-9 hinge: λ = ${k}: stopped with KKT violation 2e-3 > tolerance`);
        progress(1, 1, 'done');
      },
    };
    const runner = new JobRunner([job], new ResultsStore(root));
    const heard: string[][] = [];
    runner.on('change', (status) => heard.push(status.warnings ?? []));
    await runner.run();
    const [status] = runner.statuses();
    expect(status.state).toBe('done');
    expect(status.warnings).toHaveLength(20);
    expect(status.warnings?.[0]).toMatch(/^7-9 hinge: λ = 0: stopped with KKT violation/);
    expect(heard.some((w) => w.length === 1)).toBe(true);
  });
});
