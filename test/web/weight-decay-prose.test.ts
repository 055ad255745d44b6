// The prose of "Beyond the article" says what the swept curves show, whichever way they go.
import { describe, expect, it } from 'vitest';
import type { LenetSweep } from '../../src/schema/lenet-sweep.js';
import { weightDecayProse } from '../../web/prose/weight-decay.js';

function sweep(dataset: string, rows: Array<[number, number, number | null, number]>): LenetSweep {
  return {
    schema: 'l2angle/lenet-sweep',
    version: 2,
    dataset,
    createdAt: '2026-12-01T00:00:00Z',
    networks: rows.map(([weightDecay, testError, medianNorm, t], k) => ({
      cell: `lenet-${k}`,
      weightDecay,
      seed: 0,
      epochs: 5,
      trainLimit: null,
      trainError: testError / 2,
      testError,
      weightRms: [0.1, 0.1, 0.1, 0.1],
      temperature: { article: t, nll: t / 2 },
      ece: { raw: 0.05, article: 0.04, nll: 0.01 },
      medianMargin: 10,
      medianGradientNorm: 0.1,
      attack: { images: 60, successRate: 100, medianNorm, quartiles: null },
    })),
  };
}

describe('the weight-decay prose', () => {
  it('says the perturbation grows when it does, and that it falls when it falls (against the article)', () => {
    const [up] = weightDecayProse([
      sweep('mnist', [
        [1e-5, 1.2, 900, 8],
        [1e-3, 1.0, 1100, 5],
        [1e-1, 1.4, 1400, 2],
      ]),
    ]);
    expect(up).toMatch(
      /^MNIST: 3 networks at 3 weight decays from 1e-5 to 0\.1 \(1 seed, 5 epochs, fewer than the article's 50: weight decay has had less time to act\)\./,
    );
    expect(up).toMatch(/1\.2 % at the smallest λ and 1\.4 % at the largest/);
    expect(up).toMatch(/lowest, 1 %, at λ = 0\.001/);
    expect(up).toMatch(/perturbation rises .* as the article hoped/);
    expect(up).toMatch(/temperature .* falls .* shrinks/);
    const [down] = weightDecayProse([
      sweep('fashion-mnist', [
        [1e-5, 9, 800, 3],
        [1e-1, 12, 400, 3],
      ]),
    ]);
    expect(down).toMatch(/^Fashion-MNIST/);
    expect(down).toMatch(/perturbation falls .* the opposite of what the article hoped/);
  });

  it('reads a curve that is flat and then falls as falling, not as turning', () => {
    const [text] = weightDecayProse([
      sweep('mnist', [
        [1e-5, 1.7, 1175, 2.047],
        [1e-4, 1.7, 1177, 2.049],
        [1e-3, 1.7, 1172, 2.04],
        [1e-1, 2, 1201, 1.58],
      ]),
    ]);
    expect(text).toMatch(/temperature .* falls \(2\.05 to 1\.58\): the scale of the logits shrinks/);
  });

  it('says so when too few attacks succeeded, and writes nothing without a sweep', () => {
    const [none] = weightDecayProse([
      sweep('mnist', [
        [1e-4, 1, null, 3],
        [1e-1, 2, null, 2],
      ]),
    ]);
    expect(none).toMatch(/Too few attacks succeeded/);
    expect(weightDecayProse([])).toEqual([]);
  });
});
