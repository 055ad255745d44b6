// How each figure of `web/figure-list.ts` is mounted: one function per top-level entry (the type makes a
// missing one a compile error). A mount gets the page's shared context: the state store, the results
// client, its element, and where to register for state and status changes.
import type { SvmPath } from '../src/schema/artifacts.js';
import { DATASET_NAMES } from '../src/schema/datasets.js';
import { type LenetSweep, lenetSweepFile } from '../src/schema/lenet-sweep.js';
import { type ResultsClient, registered } from './data.js';
import type { MountedFigureName } from './figure-list.js';
import { renderAdversarialDistance } from './figures/adversarial-distance.js';
import { renderScaledLoss } from './figures/scaled-loss.js';
import { renderScoreToLoss } from './figures/score-to-loss.js';
import { renderSoftmaxTemperature } from './figures/softmax-temperature.js';
import { renderSweeps } from './figures/sweeps.js';
import { renderSweptPicker } from './figures/swept-network.js';
import { renderToyBoundary } from './figures/toy-boundary.js';
import { renderToyFit } from './figures/toy-fit.js';
import { renderToyImage } from './figures/toy-image.js';
import { renderToyMirror } from './figures/toy-mirror.js';
import { renderWeightDecaySweep } from './figures/weight-decay-sweep.js';
import { fillProse } from './numbers.js';
import { weightDecayProse } from './prose/weight-decay.js';
import { mountCertified, mountEarlyStopping, mountRobust } from './sections/linear-beyond.js';
import { mountMnist, mountOpening } from './sections/mnist.js';
import { mountAdversarial, mountLenet, mountLocalLinearity, mountTeaser } from './sections/networks.js';
import {
  fillLenetNumbers,
  fillLocalLinearityNumbers,
  fillPathNumbers,
  fillToyNumbers,
} from './sections/text-numbers.js';
import { type FigureHandle, lazyFigure, multiSlot, whenNear } from './slot.js';
import type { StateStore, ViewState } from './state.js';

/** What every mount gets. */
export interface MountContext {
  readonly store: StateStore;
  readonly client: ResultsClient;
  /** the element of a figure's body (or the figure itself when it has none) */
  body(name: string, selector?: string): HTMLElement;
  /** calls `update` on every state change */
  onState(update: (state: ViewState) => void): void;
  /** calls `listener` on every status change */
  onStatus(listener: () => void): void;
  /** tells the figures that follow a path that one was read (the MNIST section reads them) */
  pathRead(path: SvmPath): void;
  /** calls `listener` with every path read */
  onPath(listener: (path: SvmPath) => void): void;
  /** whether a path is one the prose quotes */
  quoted(path: SvmPath): boolean;
}

type Mount = (ctx: MountContext) => void;

/** A figure the page computes itself, built when it comes near the screen. */
function computed(name: string, render: (element: HTMLElement, ctx: MountContext) => FigureHandle): Mount {
  return (ctx) => {
    const figure = lazyFigure(ctx.body(name), (element) => render(element, ctx));
    ctx.onState((s) => figure.update(s));
  };
}

/** Every top-level figure's mount. */
export const MOUNTS: { readonly [N in MountedFigureName]: Mount } = {
  opening: (ctx) => {
    const opening = mountOpening(ctx.body('opening', '.opening-slot'), ctx.store, ctx.client);
    ctx.onState((s) => {
      opening.update(s);
      opening.sync(s);
    });
    ctx.onStatus(() => opening.statusChanged(ctx.client.status));
  },
  'adversarial-teaser': (ctx) => {
    const teaser = mountTeaser(ctx.body('adversarial-teaser', '.teaser-slot'), ctx.store, ctx.client);
    ctx.onState((s) => teaser.update(s));
    ctx.onStatus(() => teaser.statusChanged(ctx.client.status));
  },
  'toy-image': computed('toy-image', (el) => renderToyImage(el)),
  'toy-boundary': computed('toy-boundary', (el, ctx) => renderToyBoundary(el, ctx.store)),
  'toy-mirror': computed('toy-mirror', (el, ctx) => renderToyMirror(el, ctx.store.state)),
  'toy-fit': (ctx) => {
    computed('toy-fit', (el) => renderToyFit(el, ctx.store))(ctx);
    whenNear(ctx.body('toy-fit'), fillToyNumbers);
  },
  'score-to-loss': computed('score-to-loss', (el, ctx) => renderScoreToLoss(el, ctx.store.state)),
  'scaled-loss': computed('scaled-loss', (el, ctx) => renderScaledLoss(el, ctx.store)),
  'adversarial-distance': (ctx) => {
    // drawn at once: the centroid geometry is computed in the page, the models arrive with the path
    const figure = renderAdversarialDistance(ctx.body('adversarial-distance'), ctx.store.state);
    ctx.onState((s) => figure.update(s));
    ctx.onPath((path) => {
      const s = ctx.store.state;
      const shown = path.classI === s.pair[0] && path.classJ === s.pair[1] && path.loss === s.loss;
      if (shown && path.dataset === s.dataset) figure.setPath(path);
    });
  },
  mnist: (ctx) => {
    const mnist = mountMnist(
      {
        controls: ctx.body('mnist-controls'),
        figures: ctx.body('mnist'),
        overview: ctx.body('pair-overview', '.overview-slot'),
      },
      ctx.store,
      ctx.client,
      (path) => {
        ctx.pathRead(path);
        if (ctx.quoted(path)) fillPathNumbers(path);
      },
    );
    ctx.onState((s) => mnist.update(s));
    ctx.onStatus(() => mnist.statusChanged());
  },
  'local-linearity': (ctx) => {
    const local = mountLocalLinearity(
      ctx.body('local-linearity'),
      ctx.store,
      ctx.client,
      fillLocalLinearityNumbers,
    );
    ctx.onState((s) => local.update(s));
    ctx.onStatus(() => local.statusChanged(ctx.client.status));
  },
  'softmax-temperature': computed('softmax-temperature', (el, ctx) =>
    renderSoftmaxTemperature(el, ctx.store),
  ),
  lenet: (ctx) => {
    const lenet = mountLenet(ctx.body('lenet'), ctx.store, ctx.client, fillLenetNumbers);
    ctx.onState((s) => lenet.update(s));
    ctx.onStatus(() => lenet.statusChanged());
  },
  'weight-decay-sweep': (ctx) => {
    const slot = multiSlot<LenetSweep>(
      ctx.client,
      {
        container: ctx.body('weight-decay-sweep'),
        paths: (_, client) => {
          const ready = DATASET_NAMES.map((d) => lenetSweepFile(d)).filter(
            (f) => client.availability(f).state === 'ready',
          );
          return ready.length > 0 ? ready : undefined;
        },
        parse: registered('l2angle/lenet-sweep'),
        describe: () =>
          'LeNets swept over weight decay (`npx l2angle sweep --study lenet --dataset mnist,fashion-mnist ' +
          '--weight-decays 1e-5,1e-4,1e-3,1e-2,1e-1`, about 10 min a network on 2 cores; see the table of sweeps below)',
        render: (container, data, state) => {
          const chart = renderWeightDecaySweep(container, data);
          const picker = renderSweptPicker(container, data, ctx.store, (path) =>
            ctx.client.load(path, registered('l2angle/adversarial')),
          );
          picker.update(state);
          return {
            update(s) {
              chart.update(s);
              picker.update(s);
            },
          };
        },
        onData: (data) => fillProse('weight-decay', weightDecayProse(data)),
      },
      ctx.store.state,
    );
    ctx.onState((s) => slot.update(s));
    ctx.onStatus(() => slot.statusChanged(ctx.client.status));
  },
  robust: (ctx) => {
    const robust = mountRobust(ctx.body('robust'), ctx.store, ctx.client);
    ctx.onState((s) => robust.update(s));
    ctx.onStatus(() => robust.statusChanged(ctx.client.status));
  },
  'early-stopping': (ctx) => {
    const figure = mountEarlyStopping(ctx.body('early-stopping'), ctx.store, ctx.client);
    ctx.onState((s) => figure.update(s));
    ctx.onStatus(() => figure.statusChanged(ctx.client.status));
  },
  certified: (ctx) => {
    const figure = mountCertified(ctx.body('certified'), ctx.store, ctx.client);
    ctx.onState((s) => figure.update(s));
    ctx.onStatus(() => figure.statusChanged(ctx.client.status));
  },
  sweeps: (ctx) => {
    const table = renderSweeps(ctx.body('sweeps'), ctx.client);
    ctx.onStatus(() => table.statusChanged());
  },
  'adversarial-examples': (ctx) => {
    const adversarial = mountAdversarial(ctx.body('adversarial-examples'), ctx.store, ctx.client);
    ctx.onState((s) => adversarial.update(s));
    ctx.onStatus(() => adversarial.statusChanged(ctx.client.status));
  },
};
