// The article's entry point: reads the view state from the URL, finds the results (live server, static site
// or none), mounts every figure in its container, and routes state and status changes to them.
import 'katex/dist/katex.min.css';
import './style.css';
import { ARTICLE_LENETS, QUOTED_PAIRS } from '../src/article.js';
import { svmPathFile } from '../src/schema/artifacts.js';
import { adversarialSchema } from '../src/schema/nn-artifacts.js';
import { lenetAdversarialFile } from '../src/schema/training.js';
import { ResultsClient, registered, withSchema } from './data.js';
import { renderAdversarialDistance } from './figures/adversarial-distance.js';
import { renderScaledLoss } from './figures/scaled-loss.js';
import { renderScoreToLoss } from './figures/score-to-loss.js';
import { renderSoftmaxTemperature } from './figures/softmax-temperature.js';
import { renderToyBoundary } from './figures/toy-boundary.js';
import { renderToyFit } from './figures/toy-fit.js';
import { renderToyImage } from './figures/toy-image.js';
import { renderToyMirror } from './figures/toy-mirror.js';
import { markPendingNumbers } from './numbers.js';
import { renderProgressPanel } from './progress.js';
import { mountLenetProse } from './sections/lenet-prose.js';
import { mountMnist, mountOpening } from './sections/mnist.js';
import { mountAdversarial, mountLenet, mountLocalLinearity, mountTeaser } from './sections/networks.js';
import {
  fillAdversarialNumbers,
  fillLenetNumbers,
  fillLocalLinearityNumbers,
  fillPathNumbers,
  fillToyNumbers,
} from './sections/text-numbers.js';
import { type FigureHandle, lazyFigure, whenNear } from './slot.js';
import { parseState, StateStore, type ViewState } from './state.js';

/** The element of a figure's body (or the figure itself when it has none). */
function body(name: string, selector = '.figure-body'): HTMLElement {
  const figure = document.querySelector<HTMLElement>(`[data-figure="${name}"]`);
  if (!figure) throw new Error(`the page has no figure "${name}"`);
  return figure.querySelector<HTMLElement>(selector) ?? figure;
}

// the prose quotes the hinge paths of the quoted pairs
const QUOTED_LOSS = 'hinge';

function main(): void {
  // the formulas were typeset at build time (vite.config.ts)
  markPendingNumbers();

  const store = new StateStore(parseState(location.hash));
  const client = new ResultsClient();
  // ask for the status at once: the network works while the figures below are built (the answer arrives
  // after this function returns, when its listeners are registered)
  void client.start();
  const updaters: Array<(state: ViewState) => void> = [];
  const statusListeners: Array<() => void> = [];
  const add = (figure: FigureHandle) => updaters.push((s) => figure.update(s));

  // toy figures: computed here, no data needed; each is built when it comes near the screen, so the first
  // frame (the title and the opening figure's frame) is painted without waiting for the toy fits
  add(lazyFigure(body('toy-image'), renderToyImage));
  add(lazyFigure(body('toy-boundary'), (el) => renderToyBoundary(el, store)));
  add(lazyFigure(body('toy-mirror'), (el) => renderToyMirror(el, store.state)));
  add(lazyFigure(body('toy-fit'), (el) => renderToyFit(el, store)));
  add(lazyFigure(body('score-to-loss'), (el) => renderScoreToLoss(el, store.state)));
  add(lazyFigure(body('scaled-loss'), (el) => renderScaledLoss(el, store)));
  const centroidFigure = renderAdversarialDistance(body('adversarial-distance'), store.state);
  add(centroidFigure);
  add(lazyFigure(body('softmax-temperature'), (el) => renderSoftmaxTemperature(el, store)));
  whenNear(body('toy-fit'), fillToyNumbers);

  // figures fed by artifacts
  const opening = mountOpening(body('opening', '.opening-slot'), store, client);
  updaters.push((s) => {
    opening.update(s);
    opening.sync(s);
  });
  statusListeners.push(() => opening.statusChanged(client.status));

  const mnist = mountMnist(
    {
      controls: body('mnist-controls'),
      figures: body('mnist'),
      overview: body('pair-overview', '.overview-slot'),
    },
    store,
    client,
    (path) => {
      const s = store.state;
      if (path.classI === s.pair[0] && path.classJ === s.pair[1] && path.loss === s.loss)
        centroidFigure.setPath(path);
      if (path.loss === QUOTED_LOSS && QUOTED_PAIRS.some(([i, j]) => i === path.classI && j === path.classJ))
        fillPathNumbers(path);
    },
  );
  updaters.push((s) => mnist.update(s));
  statusListeners.push(() => mnist.statusChanged());

  const teaser = mountTeaser(body('adversarial-teaser', '.teaser-slot'), store, client);
  updaters.push((s) => teaser.update(s));
  statusListeners.push(() => teaser.statusChanged(client.status));

  const local = mountLocalLinearity(body('local-linearity'), store, client, fillLocalLinearityNumbers);
  updaters.push((s) => local.update(s));
  statusListeners.push(() => local.statusChanged(client.status));

  const lenet = mountLenet(body('lenet'), client, fillLenetNumbers);
  statusListeners.push(() => lenet.statusChanged());

  statusListeners.push(mountLenetProse(client));

  const adversarial = mountAdversarial(body('adversarial-examples'), store, client);
  updaters.push((s) => adversarial.update(s));
  statusListeners.push(() => adversarial.statusChanged(client.status));

  // the prose quotes 7 vs 9 and 0 vs 1 (hinge) and the adversarial norms: read them when the text comes near
  const quoted = new Set<string>();
  const readQuoted = () => {
    for (const [i, j] of QUOTED_PAIRS) {
      const file = svmPathFile('mnist', i, j, QUOTED_LOSS);
      if (quoted.has(file) || !client.ready || client.availability(file).state === 'pending') continue;
      quoted.add(file);
      client.load(file, registered('l2angle/svm-path')).then(fillPathNumbers, () => quoted.delete(file));
    }
  };
  let quotedNear = false;
  whenNear(document.getElementById('mnist-title')!, () => {
    quotedNear = true;
    readQuoted();
  });
  statusListeners.push(() => {
    if (quotedNear) readQuoted();
  });
  let adversarialRead = false;
  statusListeners.push(() => {
    const files = ARTICLE_LENETS.map((n) => lenetAdversarialFile(n));
    if (adversarialRead || files.some((f) => client.availability(f).state !== 'ready')) return;
    adversarialRead = true;
    Promise.all(files.map((f) => client.load(f, withSchema(adversarialSchema, 'l2angle/adversarial')))).then(
      fillAdversarialNumbers,
      () => {
        adversarialRead = false;
      },
    );
  });

  // every state change goes to every figure; the figures redraw only what changed
  store.subscribe((s) => {
    for (const update of updaters) update(s);
  });

  const progress = renderProgressPanel(document.getElementById('progress')!);
  const modeLine = document.getElementById('data-mode')!;
  client.onStatus((status) => {
    progress(status, client.mode);
    modeLine.textContent =
      client.mode === 'live'
        ? `Results: live from the l2angle server (${status?.results.length ?? 0} artifacts so far).`
        : client.mode === 'static'
          ? `Results: a static copy (${status?.results.length ?? 0} artifacts).`
          : 'Results: no server found; the toy figures work, the others need `npm start`.';
    for (const listener of statusListeners) listener();
  });

  followSections(store);
}

/** Restores the section of the URL, then keeps the URL's section in step with the reader's scrolling. */
function followSections(store: StateStore): void {
  const sections = Array.from(document.querySelectorAll<HTMLElement>('main > section[id]'));
  const wanted = store.state.section;
  if (wanted) {
    const target = document.getElementById(wanted);
    // after layout: figures have just been mounted
    if (target) requestAnimationFrame(() => target.scrollIntoView());
  }
  if (typeof IntersectionObserver === 'undefined') return;
  const observer = new IntersectionObserver(
    (entries) => {
      const visible = entries
        .filter((e) => e.isIntersecting)
        .sort((a, b) => a.boundingClientRect.top - b.boundingClientRect.top);
      if (visible.length > 0) store.set({ section: visible[0].target.id });
    },
    { rootMargin: '-40% 0px -55% 0px' },
  );
  for (const s of sections) observer.observe(s);
}

main();
