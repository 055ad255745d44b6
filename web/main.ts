// The article's entry point: reads the view state from the URL, finds the results (live server, static site
// or none), mounts every figure in its container, and routes state and status changes to them.
import 'katex/dist/katex.min.css';
import './style.css';
import { ARTICLE_LENETS, QUOTED_PAIRS } from '../src/article.js';
import { type SvmPath, svmPathFile } from '../src/schema/artifacts.js';
import { DATASET_NAMES } from '../src/schema/datasets.js';
import { adversarialSchema } from '../src/schema/nn-artifacts.js';
import { lenetAdversarialFile } from '../src/schema/training.js';
import { ResultsClient, registered, withSchema } from './data.js';
import { FIGURES } from './figure-list.js';
import { MOUNTS, type MountContext } from './figure-mounts.js';
import { markPendingNumbers } from './numbers.js';
import { renderProgressPanel } from './progress.js';
import { mountLenetProse } from './sections/lenet-prose.js';
import { lenetDataset } from './sections/networks.js';
import { fillAdversarialNumbers, fillPathNumbers } from './sections/text-numbers.js';
import { whenNear } from './slot.js';
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
  const pathListeners: Array<(path: SvmPath) => void> = [];
  const context: MountContext = {
    store,
    client,
    body,
    onState: (update) => updaters.push(update),
    onStatus: (listener) => statusListeners.push(listener),
    pathRead: (path) => {
      for (const listener of pathListeners) listener(path);
    },
    onPath: (listener) => pathListeners.push(listener),
    quoted: (path) =>
      path.loss === QUOTED_LOSS && QUOTED_PAIRS.some(([i, j]) => i === path.classI && j === path.classJ),
  };
  // every figure of the registry, in page order; the toy figures are built when they come near the screen,
  // so the first frame (the title and the opening figure's frame) is painted without waiting for them
  for (const figure of FIGURES) {
    if (!('parent' in figure)) MOUNTS[figure.name](context);
  }
  const lenetProse = mountLenetProse(client, store);
  statusListeners.push(lenetProse);
  updaters.push(lenetProse);

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
  // the attack's settings, the same on every dataset: from the shown dataset's studies, else any dataset's
  let adversarialRead = false;
  const readAdversarialSettings = () => {
    if (adversarialRead) return;
    const shown = lenetDataset(store.state);
    const files = [...(shown ? [shown] : []), ...DATASET_NAMES]
      .map((d) => ARTICLE_LENETS.map((n) => lenetAdversarialFile(n, 0, d)))
      .find((pair) => pair.every((f) => client.availability(f).state === 'ready'));
    if (!files) return;
    adversarialRead = true;
    Promise.all(files.map((f) => client.load(f, withSchema(adversarialSchema, 'l2angle/adversarial')))).then(
      fillAdversarialNumbers,
      () => {
        adversarialRead = false;
      },
    );
  };
  statusListeners.push(readAdversarialSettings);
  updaters.push(readAdversarialSettings);

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
