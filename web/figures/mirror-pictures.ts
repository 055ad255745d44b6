// The two representative images x ∈ I and y ∈ J, their mirror images through the boundary at the state's λ,
// and the weight vector w, as pictures.
import type { SvmPath } from '../../src/schema/artifacts.js';
import { className } from '../../src/schema/datasets.js';
import { fixed } from '../chart.js';
import { decodePath } from '../mnist-path.js';
import { divergingFor, GREY_01, picture } from '../pictures.js';
import type { FigureHandle } from '../slot.js';
import type { ViewState } from '../state.js';

/** Draws x, x_m, y, y_m and w for the model at the state's λ. */
export function renderMirrorPictures(
  container: HTMLElement,
  path: SvmPath,
  initial: ViewState,
): FigureHandle {
  const d = decodePath(path);
  const I = className(path.dataset, path.classI);
  const J = className(path.dataset, path.classJ);
  const row = document.createElement('div');
  row.className = 'picture-strip mirrors';
  container.append(row);
  const size = 96;
  const x = picture(d.representativeI, {
    map: GREY_01,
    size,
    alt: `x, a training image of ${I} (the one closest to its class centroid)`,
    caption: `x (a ${I})`,
  });
  const xm = picture(undefined, { map: GREY_01, size, alt: '' });
  const y = picture(d.representativeJ, {
    map: GREY_01,
    size,
    alt: `y, a training image of ${J} (the one closest to its class centroid)`,
    caption: `y (a ${J})`,
  });
  const ym = picture(undefined, { map: GREY_01, size, alt: '' });
  const w = picture(undefined, { map: { kind: 'diverging', limit: 1 }, size, alt: '' });
  const spacer = document.createElement('span');
  spacer.className = 'strip-gap';
  row.append(x.element, xm.element, y.element, ym.element, spacer, w.element);
  const note = document.createElement('p');
  note.className = 'figure-note';
  note.textContent =
    `Pictures on the 0..1 scale (white 0, black 1; mirror images leave that range and are clipped). ` +
    `w: red pushes towards ${J}, blue towards ${I}.`;
  container.append(note);

  const update = (state: ViewState) => {
    const m = d.model(state.lambdaIndex);
    const { I: mi, J: mj } = m.record.mirrors;
    xm.set(m.mirrorI, {
      alt: `mirror image of x: classified ${J} with the confidence x has for ${I}; ‖xₘ − x‖ = ${fixed(mi.distance)}`,
      caption: `xₘ, ‖xₘ − x‖ = ${fixed(mi.distance)}`,
    });
    ym.set(m.mirrorJ, {
      alt: `mirror image of y: classified ${I}; ‖yₘ − y‖ = ${fixed(mj.distance)}`,
      caption: `yₘ, ‖yₘ − y‖ = ${fixed(mj.distance)}`,
    });
    w.set(m.w, {
      map: divergingFor(m.w),
      alt: `the weight vector w as a picture at θ = ${fixed(m.record.theta)}`,
      caption: 'w',
    });
  };
  update(initial);
  return { update };
}
