// The toy job of the main command: its sweep is certified (every fit converged, hinge duality gaps and
// softplus gradient norms small), θ falls as λ grows, and the artifact is written once and then skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsStore } from '../../src/experiments/store.js';
import { toyJob, toyLambdas, toySweep } from '../../src/experiments/toy.js';
import { toyFitFile } from '../../src/schema/toy.js';
import { TOY_LAMBDA_RANGE } from '../../src/solvers/toy-fit.js';

const root = mkdtempSync(join(tmpdir(), 'l2angle-toy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the toy sweep', () => {
  const sweep = toySweep(toyLambdas(40));

  it('spans the slider range, largest λ first, for both losses', () => {
    expect(sweep.lambdas[0]).toBeCloseTo(TOY_LAMBDA_RANGE[1], 12);
    expect(sweep.lambdas.at(-1)).toBeCloseTo(TOY_LAMBDA_RANGE[0], 18);
    expect(sweep.fits).toHaveLength(2 * 41);
    expect(sweep.points).toHaveLength(sweep.labels.length);
    expect(sweep.labels.at(-1)).toBe(1);
  });

  it('is certified: every fit converged with a small gap or gradient', () => {
    for (const fit of sweep.fits) {
      expect(fit.converged).toBe(true);
      expect(Math.abs(fit.optimality)).toBeLessThan(1e-6);
    }
  });

  it('tilts less as λ grows: θ never rises along increasing λ, from near π/2 to near 0', () => {
    for (const loss of ['hinge', 'softplus'] as const) {
      const theta = sweep.fits.filter((f) => f.loss === loss).map((f) => f.theta);
      for (let k = 1; k < theta.length; k++) expect(theta[k]).toBeGreaterThanOrEqual(theta[k - 1] - 1e-9);
      expect(theta[0]).toBeLessThan(0.3);
      expect(theta.at(-1)).toBeGreaterThan(1.2);
    }
  });

  it('is written once by the job, then the job is done', async () => {
    const store = new ResultsStore(root);
    const job = toyJob();
    expect(job.isDone(store)).toBe(false);
    const seen: string[] = [];
    await job.run(store, (_done, _total, status) => seen.push(status));
    expect(job.isDone(store)).toBe(true);
    expect(seen.at(-1)).toBe('done');
    const saved = store.read('l2angle/toy-fit', toyFitFile());
    expect(saved?.fits).toHaveLength(2 * 101);
  });
});
