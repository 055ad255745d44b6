// The page's whole view state: one typed object, serialised to the URL's hash so that any view can be shared
// as a link and restored exactly (the idea of TensorFlow Playground's state.ts). Figures read it and ask for
// changes through the store; nothing else keeps view state.

import { LAMBDA_COUNT, lambdaOf, NETWORK_KEYS, type NetworkKey, ROBUST_TRAINING } from '../src/article.js';
import { TRAINING_LOSSES, type TrainingLoss } from '../src/math/losses.js';
import { isDatasetName } from '../src/schema/datasets.js';

export type { NetworkKey, TrainingLoss };

/** Everything a reader can change. */
export interface ViewState {
  /** the dataset of the pair figures: a registry name ("mnist", "fashion-mnist") or a user's "custom-<hash>" */
  dataset: string;
  /** the MNIST pair (I, J), I < J */
  pair: readonly [number, number];
  /** the loss of the MNIST paths shown */
  loss: TrainingLoss;
  /** c of λ_c = 10^(2 − 0.1 c), 0 … 80 */
  lambdaIndex: number;
  /** θ of the toy line L_θ, radians in [0, π/2] */
  theta: number;
  /** a of the toy image x of class I (b = 0) */
  toyA: number;
  /** the loss of the toy fit */
  toyLoss: TrainingLoss;
  /** log10 λ of the toy fit */
  toyLogLambda: number;
  /** log10 ‖w‖ of the scaled-loss figure */
  logNorm: number;
  /** log10 t of the softmax-temperature figure */
  logTemperature: number;
  /** index into the local-linearity sweep's weight decays */
  decayIndex: number;
  /** the LeNet whose adversarial example opens the article */
  network: NetworkKey;
  /** beyond the article, adversarial training: the pair, the loss, λ and the ε in view */
  robustPair: readonly [number, number];
  robustLoss: TrainingLoss;
  robustLambda: number;
  epsilon: number;
  /** beyond the article: the swept LeNet shown by the picker (its sweep cell's id; '' for the first) */
  sweptCell: string;
  /** the section in view (its element id), restored by scrolling */
  section: string;
}

/** The view a reader sees first: 7 vs 9, hinge loss, the weakest regularisation. */
export const DEFAULT_STATE: ViewState = Object.freeze({
  dataset: 'mnist',
  pair: Object.freeze([7, 9] as const),
  loss: 'hinge',
  lambdaIndex: 80,
  theta: 1.2,
  toyA: -0.6,
  toyLoss: 'hinge',
  toyLogLambda: -4.5,
  logNorm: 0,
  logTemperature: 0,
  decayIndex: 0,
  network: 'low',
  robustPair: Object.freeze([...ROBUST_TRAINING.pair] as [number, number]),
  robustLoss: 'hinge',
  robustLambda: ROBUST_TRAINING.lambdas[0],
  epsilon: 0.5,
  sweptCell: '',
  section: '',
});

export { LAMBDA_COUNT, lambdaOf };

/** Serialisation of one field: its key in the URL, how to write it and how to read it back (or reject it). */
interface Field<K extends keyof ViewState> {
  key: string;
  write(value: ViewState[K]): string;
  read(text: string): ViewState[K] | undefined;
}

const number =
  (min: number, max: number, integer = false) =>
  (text: string): number | undefined => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v)) return undefined;
    if (integer && !Number.isInteger(v)) return undefined;
    return Math.min(max, Math.max(min, v));
  };
const oneOf =
  <T extends string>(...values: T[]) =>
  (text: string): T | undefined =>
    values.find((v) => v === text);
const short = (v: number) => String(Number(v.toFixed(4)));
const writePair = ([i, j]: readonly [number, number]) => `${i}-${j}`;
const readPair = (text: string): readonly [number, number] | undefined => {
  const m = /^([0-9])-([0-9])$/.exec(text);
  if (!m) return undefined;
  const i = Number(m[1]);
  const j = Number(m[2]);
  return i < j ? [i, j] : undefined;
};

const FIELDS: { [K in keyof ViewState]: Field<K> } = {
  dataset: {
    key: 'data',
    write: String,
    read: (text) => (isDatasetName(text) || /^custom-[0-9a-f]{12}$/.test(text) ? text : undefined),
  },
  pair: { key: 'pair', write: writePair, read: readPair },
  loss: { key: 'loss', write: String, read: oneOf(...TRAINING_LOSSES) },
  lambdaIndex: { key: 'c', write: String, read: number(0, LAMBDA_COUNT - 1, true) },
  theta: { key: 'theta', write: short, read: number(0, Math.PI / 2) },
  toyA: { key: 'a', write: short, read: number(-1, -0.2) },
  toyLoss: { key: 'toyloss', write: String, read: oneOf(...TRAINING_LOSSES) },
  toyLogLambda: { key: 'toylambda', write: short, read: number(-6, -1) },
  logNorm: { key: 'norm', write: short, read: number(-2, 2) },
  logTemperature: { key: 't', write: short, read: number(-1, 1) },
  decayIndex: { key: 'decay', write: String, read: number(0, 99, true) },
  network: { key: 'net', write: String, read: oneOf(...NETWORK_KEYS) },
  robustPair: { key: 'rpair', write: writePair, read: readPair },
  robustLoss: { key: 'rloss', write: String, read: oneOf(...TRAINING_LOSSES) },
  robustLambda: {
    key: 'rlambda',
    write: String,
    read: (text) => ROBUST_TRAINING.lambdas.find((l) => Number(text) === l),
  },
  epsilon: { key: 'eps', write: short, read: number(0, 10) },
  sweptCell: { key: 'swept', write: String, read: (text) => (/^[a-z0-9-]*$/.test(text) ? text : undefined) },
  section: { key: 'section', write: String, read: (text) => (/^[a-z0-9-]*$/.test(text) ? text : undefined) },
};

/** The state written as a URL hash (every field, so that a link means the same thing in later versions). */
export function serialiseState(state: ViewState): string {
  const params = new URLSearchParams();
  for (const name of Object.keys(FIELDS) as Array<keyof ViewState>) {
    const field = FIELDS[name] as Field<typeof name>;
    params.set(field.key, field.write(state[name] as never));
  }
  return `#${params.toString()}`;
}

/** The state of a URL hash: fields that are missing or malformed keep their defaults. */
export function parseState(hash: string, defaults: ViewState = DEFAULT_STATE): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const out: Record<string, unknown> = { ...defaults };
  for (const name of Object.keys(FIELDS) as Array<keyof ViewState>) {
    const field = FIELDS[name];
    const text = params.get(field.key);
    if (text === null) continue;
    const value = field.read(text);
    if (value !== undefined) out[name] = value;
  }
  return out as unknown as ViewState;
}

/** A listener told about every change, with the names of the fields that changed. */
export type StateListener = (state: ViewState, changed: ReadonlySet<keyof ViewState>) => void;

/** The one place the view state lives; it mirrors itself into the URL hash. */
export class StateStore {
  private current: ViewState;
  private readonly listeners = new Set<StateListener>();
  private writeTimer: number | undefined;

  constructor(initial: ViewState) {
    this.current = initial;
    window.addEventListener('hashchange', () => {
      if (location.hash === serialiseState(this.current)) return;
      this.replace(parseState(location.hash));
    });
  }

  /** The current state (treat as read-only). */
  get state(): ViewState {
    return this.current;
  }

  /** Changes some fields; listeners run at once, the URL follows a moment later (sliders move fast). */
  set(patch: Partial<ViewState>): void {
    this.replace({ ...this.current, ...patch });
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private replace(next: ViewState): void {
    const changed = new Set<keyof ViewState>();
    for (const name of Object.keys(next) as Array<keyof ViewState>) {
      const a = this.current[name];
      const b = next[name];
      const same = Array.isArray(a) && Array.isArray(b) ? a.join() === b.join() : a === b;
      if (!same) changed.add(name);
    }
    if (changed.size === 0) return;
    this.current = next;
    for (const listener of this.listeners) listener(next, changed);
    window.clearTimeout(this.writeTimer);
    this.writeTimer = window.setTimeout(() => {
      // replaceState: moving a slider should not fill the back button's history
      history.replaceState(null, '', serialiseState(this.current));
    }, 150);
  }
}
