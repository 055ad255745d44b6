// l2angle as a library (Node): the article's geometry, the exact λ paths, the data readers and the trained
// LeNets. `l2angle/math` is the browser-safe subset (no I/O).

export * from './article.js';
export type {
  BinaryPair,
  Dataset,
  DatasetFiles,
  DatasetSource,
  IdxArray,
  IdxItems,
  ImageSet,
  ImageSource,
} from './data/index.js';
export {
  fashionMnistFiles,
  loadDataset,
  mnistFiles,
  openDataset,
  openIdxFile,
  parseIdx,
  readIdxFile,
  selectPair,
} from './data/index.js';
export { InputError, UsageError } from './errors.js';
export type { Job } from './experiments/job.js';
export {
  type LoadedLenet,
  lenetInputGradient,
  lenetLogits,
  lenetPredict,
  loadLenet,
} from './experiments/lenet-network.js';
export { type LenetTrainingOptions, trainLenet } from './experiments/lenet-training.js';
export { ResultsStore } from './experiments/store.js';
export { mainJobs, STUDIES, type Study } from './experiments/studies.js';
export * from './math/index.js';
export { LENET_CONVENTIONS, type LenetConventionName } from './nn/conventions.js';
export {
  className,
  DATASET_NAMES,
  DATASETS,
  type DatasetEntry,
  type DatasetName,
  pairLabel,
} from './schema/datasets.js';
export {
  type HingePathModel,
  type HingePathOptions,
  solveHinge,
  solveHingePath,
} from './solvers/hinge-path.js';
export { solveLogisticPath } from './solvers/logistic-path.js';
export { type FittedModel, type PathModel, SOLVERS, type SolverEntry } from './solvers/registry.js';
export type { FitReport, StoppingMeasure } from './solvers/report.js';
