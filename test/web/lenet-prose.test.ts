import { describe, expect, it } from 'vitest';
import { censoredMedian } from '../../src/math/median.js';
import { lenetProse, type NetworkFacts, neighbourCorrelation } from '../../web/prose/lenet.js';

function facts(over: Partial<NetworkFacts> = {}): NetworkFacts {
  return {
    testError: 1.0,
    trainError: 0.5,
    weightRms: [0.04, 0.01, 0.01, 0.02],
    trainErrors: [],
    targetedNorms: Array(10).fill(1000),
    perturbationSmoothness: 0.3,
    medianNorm: 1000,
    successRate: 80,
    images: 200,
    seeds: [],
    ...over,
  };
}

describe('the LeNet comparison prose', () => {
  it('says which network has the lower test error, and flips when the numbers flip', () => {
    const better = lenetProse(facts({ testError: 1.6 }), facts({ testError: 1.2 })).training;
    expect(better).toMatch(/LeNet_high ends with a lower test error than LeNet_low, by 0\.40 points/);
    expect(better).toMatch(/The article also finds LeNet_high slightly better/);
    const worse = lenetProse(facts({ testError: 1.02 }), facts({ testError: 1.34 })).training;
    expect(worse).toMatch(/a higher test error than LeNet_low, by 0\.32 points \(1\.34 % against 1\.02 %\)/);
    expect(worse).toMatch(/Here we disagree with the article/);
    expect(worse).not.toMatch(/also finds/);
  });

  it('sets our weight RMS per layer against the article’s and names the layers more than 2 times apart', () => {
    const text = lenetProse(
      facts({ weightRms: [0.04, 0.011, 0.0101, 0.017] }),
      facts({ weightRms: [0.03, 0.005, 0.001, 0.01] }),
    ).training;
    expect(text).toMatch(/ours 0\.040, 0\.011, 0\.010, 0\.017 \(LeNet_low\)/);
    expect(text).toMatch(/more than a factor of 2 apart in LeNet_low's conv2, LeNet_low's fc2\./);
    const close = lenetProse(
      facts({ weightRms: [0.04, 0.04, 0.02, 0.5] }),
      facts({ weightRms: [0.03, 0.005, 0.001, 0.01] }),
    ).training;
    expect(close).toMatch(/within a factor of 2 everywhere/);
  });

  it('sets our training curve against the article’s LeNet_low, which fits its training set by epoch 12', () => {
    const slow = lenetProse(
      facts({ trainErrors: Array.from({ length: 50 }, (_, e) => 2 / (e + 1)) }),
      facts(),
    ).training;
    expect(slow).toMatch(
      /ours has 0\.17 % at epoch 12 and 0\.50 % at the end, so our training curves are not the article's/,
    );
    const fast = lenetProse(facts({ trainErrors: Array(50).fill(0) }), facts()).training;
    expect(fast).toMatch(/Like the article's, our LeNet_low fits its training set by epoch 12/);
    expect(lenetProse(facts(), facts()).training).not.toMatch(/epoch 12/);
  });

  it('judges a difference against the seed spread only when seeds exist', () => {
    const none = lenetProse(facts(), facts({ testError: 1.3 })).training;
    expect(none).toMatch(/not known yet/);
    const seeds = (values: number[]) =>
      values.map((testError, seed) => ({ seed, testError, medianNorm: 900 }));
    const apart = lenetProse(
      facts({ seeds: seeds([1.0, 1.05, 0.98]) }),
      facts({ testError: 1.3, seeds: seeds([1.3, 1.25, 1.35]) }),
    ).training;
    expect(apart).toMatch(/do not overlap .* larger than the spread between seeds/);
    const within = lenetProse(
      facts({ seeds: seeds([1.0, 1.3, 0.98]) }),
      facts({ testError: 1.1, seeds: seeds([1.1, 1.05, 1.2]) }),
    ).training;
    expect(within).toMatch(/overlap .* within the spread between seeds/);
    expect(within).toMatch(/from 0\.98 % to 1\.30 %/);
  });

  it('says whether LeNet_high overfits less and has smaller weights, or not', () => {
    const less = lenetProse(facts({ trainError: 0.01 }), facts({ trainError: 1.1, testError: 1.2 })).training;
    expect(less).toMatch(/stays closer to its test error .*: it overfits less/);
    const more = lenetProse(facts({ trainError: 0.9 }), facts({ trainError: 0.1, testError: 1.2 })).training;
    expect(more).toMatch(/is no closer .*: it does not overfit less/);
    expect(lenetProse(facts(), facts({ weightRms: [0.02, 0, 0, 0] })).training).toMatch(
      /Its weights are smaller: .* 0\.50 times/,
    );
    expect(lenetProse(facts(), facts({ weightRms: [0.08, 0, 0, 0] })).training).toMatch(/are not smaller/);
  });

  it('compares the attack norms, their success and smoothness, and the article’s gap', () => {
    const similar = lenetProse(
      facts({ targetedNorms: Array(10).fill(1100) }),
      facts({ targetedNorms: Array(10).fill(1300), perturbationSmoothness: 0.32 }),
    ).attack;
    expect(similar).toMatch(
      /LeNet_high needs larger perturbations .* 1300 on average against 1100 .*1\.18 times/,
    );
    expect(similar).toMatch(/about as smooth .*in the article's figure 0\.81 and 0\.20/);
    const some = lenetProse(facts(), facts({ targetedNorms: Array(8).fill(1300) })).attack;
    expect(some).toMatch(
      /1300 on average \(the 8 of ten that reached the target\) against 1000 for LeNet_low/,
    );
    expect(similar).toMatch(
      /we do not reproduce the article's gap; our LeNet_low is harder to fool than the article's \(2\.4 times its norms\)\./,
    );
    expect(similar).not.toMatch(/our LeNet_high is/);
    const same = lenetProse(facts(), facts()).attack;
    expect(same).toMatch(/about the same perturbations .* \(1\.00 times\)/);
    const tiny = lenetProse(
      facts({ targetedNorms: Array(10).fill(23) }),
      facts({ targetedNorms: Array(10).fill(23) }),
    ).attack;
    expect(tiny).toMatch(/our LeNet_low is easier to fool .*, and our LeNet_high is easier to fool/);
    const gap = lenetProse(
      facts({ targetedNorms: Array(10).fill(450) }),
      facts({ targetedNorms: Array(10).fill(1500), perturbationSmoothness: 0.8 }),
    ).attack;
    expect(gap).toMatch(/so we reproduce the article's gap/);
    expect(gap).toMatch(/perturbations are smoother \(neighbouring pixels correlate 0\.80 against 0\.30; /);
    const smaller = lenetProse(facts(), facts({ targetedNorms: Array(10).fill(800) })).attack;
    expect(smaller).toMatch(/needs smaller perturbations .* 800 on average against 1000/);
    const failing = lenetProse(facts(), facts({ medianNorm: null, successRate: 40 })).attack;
    expect(failing).toMatch(/reaches its target within the step cap for 40 % \(LeNet_high\)/);
    expect(failing).not.toMatch(/median norm/);
  });

  it('on another dataset says the article has nothing to compare with, and makes no comparison', () => {
    const fashion = { name: 'fashion-mnist', label: 'Fashion-MNIST' };
    const prose = lenetProse(facts({ trainErrors: Array(50).fill(0) }), facts({ testError: 1.3 }), fashion);
    for (const text of [prose.training, prose.attack]) {
      expect(text).toMatch(
        /^On Fashion-MNIST, with the article's settings \(the article trained on MNIST only/,
      );
      // the article's claims are MNIST's: none of them is quoted
      expect(text.slice(text.indexOf('): ') + 3)).not.toMatch(/article/);
    }
    expect(prose.training).toMatch(/higher test error than LeNet_low, by 0\.30 points/);
    expect(prose.training).toMatch(/nn --study seeds --dataset fashion-mnist/);
    expect(prose.attack).toMatch(/median norm is 1000 for LeNet_high/);
  });

  it('measures smoothness as the neighbour correlation: about 1 for a ramp, about 0 for noise', () => {
    const ramp = Float32Array.from({ length: 784 }, (_, i) => (i % 28) + Math.floor(i / 28));
    let seed = 1;
    const noise = Float32Array.from({ length: 784 }, () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    });
    expect(neighbourCorrelation([ramp])).toBeGreaterThan(0.95);
    expect(Math.abs(neighbourCorrelation([noise]) ?? 1)).toBeLessThan(0.1);
    expect(neighbourCorrelation([new Float32Array(784)])).toBeNull();
  });
});

describe('censoredMedian', () => {
  it('counts failures as larger than every success', () => {
    expect(censoredMedian([3, 1, 2], [false, false, false])).toBe(2);
    expect(censoredMedian([1, 2, 3, 4], [false, false, false, false])).toBe(2.5);
    // a failure at 0.5 still counts above every success
    expect(censoredMedian([0.5, 1, 2, 3, 4], [true, false, false, false, false])).toBe(3);
    expect(censoredMedian([1, 2, 9, 9], [false, false, true, true])).toBeNull();
    expect(censoredMedian([], [])).toBeNull();
  });
});
