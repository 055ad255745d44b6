// The opening's "celebrity" example, made with our own network: a test image, a small perturbation, and the
// adversarial example that the network assigns to another digit with high confidence.
import { decodeFloat32 } from '../../src/schema/encoding.js';
import type { Adversarial } from '../../src/schema/nn-artifacts.js';
import { fixed } from '../chart.js';
import { divergingFor, GREY_255, picture } from '../pictures.js';
import type { FigureHandle } from '../slot.js';
import { networkName } from './adversarial-examples.js';

/** Draws one targeted example (the first successful one, by digit) of a network. */
export function renderAdversarialTeaser(container: HTMLElement, study: Adversarial): FigureHandle {
  const examples = [...study.targeted].sort((a, b) => a.digit - b.digit);
  const e = examples.find((x) => x.success) ?? examples[0];
  const row = document.createElement('div');
  row.className = 'teaser';
  const original = decodeFloat32(e.original);
  const perturbation = decodeFloat32(e.perturbation);
  const adversarial = decodeFloat32(e.adversarial);
  const name = networkName(study.network);
  const item = (el: HTMLElement, text: string) => {
    const wrap = document.createElement('div');
    wrap.className = 'teaser-item';
    const label = document.createElement('p');
    label.className = 'teaser-label';
    label.textContent = text;
    wrap.append(el, label);
    return wrap;
  };
  const op = (text: string) => {
    const span = document.createElement('span');
    span.className = 'teaser-op';
    span.textContent = text;
    span.setAttribute('aria-hidden', 'true');
    return span;
  };
  row.append(
    item(
      picture(original, { map: GREY_255, size: 112, alt: `a test image of the digit ${e.digit}` }).element,
      `a test image of a ${e.digit}`,
    ),
    op('+'),
    item(
      picture(perturbation, {
        map: divergingFor(perturbation),
        size: 112,
        alt: `a perturbation of L2 norm ${fixed(e.norm, 0)} on the 0..255 scale`,
      }).element,
      `perturbation, ‖Δ‖ = ${fixed(e.norm, 0)}`,
    ),
    op('='),
    item(
      picture(adversarial, {
        map: GREY_255,
        size: 112,
        alt: `the perturbed image, classified as ${e.predicted} with probability ${fixed(e.probability, 2)}`,
      }).element,
      `${name}: “${e.predicted}” with p = ${fixed(e.probability, 2)}`,
    ),
  );
  container.append(row);
  return { update() {} };
}
