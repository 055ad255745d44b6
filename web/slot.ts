// A figure that waits for its artifacts: it shows what is being computed until they exist, then fetches them
// (once the figure is near the viewport) and hands them to the figure's render function. Later state changes
// go to the figure's update, or re-render it when they call for other artifacts.
import type { JobStatus, ServerStatus } from '../src/schema/status.js';
import type { ArtifactParser, Availability, ResultsClient } from './data.js';
import { renderError, renderLoading, renderPlaceholder } from './progress.js';
import type { ViewState } from './state.js';

/** What a rendered figure offers: a way to follow the view state. */
export interface FigureHandle {
  update(state: ViewState): void;
}

/** A figure fed by one or more artifacts of one kind. */
export interface MultiSlotSpec<T> {
  /** the figure's container (the slot replaces its content) */
  container: HTMLElement;
  /** the artifacts the figure needs in this state (relative to results/), or undefined when none can be named yet */
  paths(state: ViewState, client: ResultsClient): string[] | undefined;
  parse: ArtifactParser<T>;
  /** what is being computed, for the placeholder ("the hinge-SVM path of 7 vs 9") */
  describe(state: ViewState): string;
  render(container: HTMLElement, data: T[], state: ViewState): FigureHandle;
  /** the job that will write the artifacts when `paths` cannot name them yet */
  pendingJob?(client: ResultsClient): JobStatus | undefined;
  /** called with the data as soon as it is loaded (e.g. to fill numbers in the text) */
  onData?(data: T[], state: ViewState): void;
  /** what computes the artifacts when no job of the server will (default `npm start`) */
  command?(state: ViewState): string;
}

/** A figure fed by one artifact. */
export interface SlotSpec<T> extends Omit<MultiSlotSpec<T>, 'paths' | 'render' | 'onData'> {
  path(state: ViewState, client: ResultsClient): string | undefined;
  render(container: HTMLElement, data: T, state: ViewState): FigureHandle;
  onData?(data: T, state: ViewState): void;
}

/** The handle of a slot: follow the state and the status. */
export interface Slot {
  update(state: ViewState): void;
  statusChanged(status: ServerStatus | undefined): void;
}

/** Runs `callback` once, when `element` comes within a screen or so of the viewport. */
export function whenNear(element: Element, callback: () => void): void {
  if (typeof IntersectionObserver === 'undefined') {
    callback();
    return;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        callback();
      }
    },
    { rootMargin: '1200px 0px' },
  );
  observer.observe(element);
}

/** A figure built by `render` in `element` when it comes near the viewport; state changes before then are no-ops. */
export function lazyFigure(
  element: HTMLElement,
  render: (element: HTMLElement) => FigureHandle,
): FigureHandle {
  let handle: FigureHandle | undefined;
  whenNear(element, () => {
    handle = render(element);
  });
  return { update: (state) => handle?.update(state) };
}

/** Connects a figure to one artifact. */
export function dataSlot<T>(client: ResultsClient, spec: SlotSpec<T>, initial: ViewState): Slot {
  return multiSlot(
    client,
    {
      ...spec,
      paths: (state, c) => {
        const path = spec.path(state, c);
        return path === undefined ? undefined : [path];
      },
      render: (container, data, state) => spec.render(container, data[0], state),
      onData: spec.onData ? (data, state) => spec.onData?.(data[0], state) : undefined,
    },
    initial,
  );
}

/** Connects a figure to several artifacts; it renders when all of them are there. */
export function multiSlot<T>(client: ResultsClient, spec: MultiSlotSpec<T>, initial: ViewState): Slot {
  let state = initial;
  let shownKey: string | undefined;
  let figure: FigureHandle | undefined;
  let loadingKey: string | undefined;
  let near = false;

  const placeholder = (availability: Availability) => {
    figure = undefined;
    shownKey = undefined;
    loadingKey = undefined;
    renderPlaceholder(spec.container, spec.describe(state), availability, spec.command?.(state));
  };

  const refresh = () => {
    if (!near) return;
    if (!client.ready) {
      renderLoading(spec.container, spec.describe(state));
      return;
    }
    const paths = spec.paths(state, client);
    if (paths === undefined || paths.length === 0) {
      placeholder(
        client.mode === 'none' ? { state: 'unknown' } : { state: 'pending', job: spec.pendingJob?.(client) },
      );
      return;
    }
    const key = paths.join('|');
    if (key === shownKey && figure) {
      figure.update(state);
      return;
    }
    if (key === loadingKey) return;
    const missing = paths.map((p) => client.availability(p)).find((a) => a.state === 'pending');
    if (missing) {
      placeholder(missing);
      return;
    }
    loadingKey = key;
    if (!paths.every((p) => client.isCached(p))) renderLoading(spec.container, spec.describe(state));
    const unknown = paths.some((p) => client.availability(p).state === 'unknown');
    Promise.all(paths.map((p) => client.load(p, spec.parse))).then(
      (data) => {
        if (loadingKey !== key) return;
        loadingKey = undefined;
        shownKey = key;
        spec.container.replaceChildren();
        try {
          figure = spec.render(spec.container, data, state);
          spec.onData?.(data, state);
        } catch (error) {
          figure = undefined;
          shownKey = undefined;
          renderError(spec.container, spec.describe(state), error);
          console.error(error);
        }
      },
      (error: unknown) => {
        if (loadingKey !== key) return;
        if (unknown) placeholder({ state: 'unknown' });
        else {
          loadingKey = undefined;
          renderError(spec.container, spec.describe(state), error);
        }
      },
    );
  };

  whenNear(spec.container, () => {
    near = true;
    refresh();
  });

  return {
    update(next) {
      state = next;
      refresh();
    },
    statusChanged() {
      // a shown figure stays; a waiting one re-checks (its artifacts may have appeared, or progress moved)
      if (!figure) refresh();
    },
  };
}
