// The page's URL state, as pure functions: what a shared link restores.
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, parseState, serialiseState, type ViewState } from '../../web/state.js';

const views: ViewState[] = [
  DEFAULT_STATE,
  {
    ...DEFAULT_STATE,
    dataset: 'fashion-mnist',
    pair: [0, 1],
    loss: 'softplus',
    lambdaIndex: 0,
    theta: 0,
    toyA: -1,
    toyLoss: 'softplus',
    toyLogLambda: -6,
    logNorm: -2,
    logTemperature: 1,
    decayIndex: 7,
    network: 'high',
    section: 'lenet',
  },
  { ...DEFAULT_STATE, pair: [2, 7], lambdaIndex: 11, theta: 0.7854, toyA: -0.3333, logNorm: 1.25 },
];

describe('URL state', () => {
  it('parse ∘ serialise is the identity on every view', () => {
    for (const view of views) expect(parseState(serialiseState(view))).toEqual(view);
  });

  it('clamps numbers into their range and refuses what it cannot read, keeping the defaults', () => {
    expect(parseState('#data=imagenet').dataset).toBe('mnist');
    expect(parseState('#data=custom-0123456789ab').dataset).toBe('custom-0123456789ab');
    const clamped = parseState('#c=500&theta=9&a=3&toylambda=-40&norm=5&t=-3');
    expect(clamped.lambdaIndex).toBe(80);
    expect(clamped.theta).toBeCloseTo(Math.PI / 2, 12);
    expect(clamped.toyA).toBe(-0.2);
    expect(clamped.toyLogLambda).toBe(-6);
    expect(clamped.logNorm).toBe(2);
    expect(clamped.logTemperature).toBe(-1);
    const refused = parseState(
      '#pair=9-7&loss=squared&c=1.5&theta=NaN&net=mid&section=%3Cscript%3E&decay=-&toyloss=&a=',
    );
    expect(refused).toEqual(DEFAULT_STATE);
    expect(parseState('#pair=3-3')).toEqual(DEFAULT_STATE);
    expect(parseState('')).toEqual(DEFAULT_STATE);
  });
});
