// The studies, one entry each: what `npm start` computes, what `nn --study` runs, and what the server's status
// and the page report (each job carries its study's id). A new study is one entry here plus its own code.
import { QUOTED_PAIRS } from '../article.js';
import { LOSSES, TRAINING_LOSSES } from '../math/losses.js';
import { type DatasetName, datasetLabel } from '../schema/datasets.js';
import type { JobStatus } from '../schema/status.js';
import { earlyStoppingJob } from './early-stopping.js';
import { allPairs } from './geometry.js';
import type { Job } from './job.js';
import {
  ARTICLE_LENETS,
  lenetAdversarialJob,
  lenetSeedJobs,
  lenetStudyJob,
  lenetTrainingJob,
} from './lenet-study.js';
import { geometryJob, pathsJob } from './linear-jobs.js';
import { localLinearityJob } from './local-linearity.js';
import { robustJob } from './robust.js';
import { toyJob } from './toy.js';

/** One study of the registry. */
export interface Study {
  readonly id: string;
  readonly title: string;
  /** the command that computes it alone (what the page and the README quote) */
  readonly command: string;
  /** whether `npm start` computes it (in the table's order: cheapest first) */
  readonly main: boolean;
  /** whether `l2angle nn --study <id>` runs it */
  readonly nn: boolean;
  /** whether it runs on any dataset (`npm start -- --dataset NAME`), or on MNIST only */
  readonly anyDataset: boolean;
  /** its jobs with the article's settings on a dataset (MNIST unless given), each knowing its artifacts */
  jobs(dataset?: DatasetName): Job[];
}

const [firstPairs, otherPairs] = ((): [Array<[number, number]>, Array<[number, number]>] => {
  const quoted = (i: number, j: number) => QUOTED_PAIRS.some(([a, b]) => a === i && b === j);
  return [allPairs().filter(([i, j]) => quoted(i, j)), allPairs().filter(([i, j]) => !quoted(i, j))];
})();

/** The studies, in the order `npm start` runs them. */
export const STUDIES: readonly Study[] = Object.freeze([
  {
    id: 'toy',
    title: 'the toy problem: SVM and logistic fits across λ',
    command: 'npm start (in well under a second; `npx l2angle toy` prints the same fits)',
    main: true,
    nn: false,
    anyDataset: true,
    jobs: () => [toyJob()],
  },
  {
    id: 'geometry',
    title: 'nearest-centroid geometry of the 45 pairs',
    command: 'npx l2angle geometry --all',
    main: true,
    nn: false,
    anyDataset: true,
    jobs: (dataset = 'mnist') => [geometryJob(dataset)],
  },
  {
    id: 'svm',
    title: 'hinge-SVM and logistic-regression λ paths of the 45 pairs',
    command: 'npx l2angle svm --all --loss hinge && npx l2angle svm --all --loss softplus',
    main: true,
    nn: false,
    anyDataset: true,
    jobs: (dataset = 'mnist') =>
      TRAINING_LOSSES.flatMap((loss) => {
        const model = LOSSES[loss].model;
        // MNIST's ids and titles stay the article's; another dataset's name its dataset
        const id = (rest: string) =>
          dataset === 'mnist' ? `svm:${loss}:${rest}` : `svm:${dataset}:${loss}:${rest}`;
        const of = dataset === 'mnist' ? '' : ` (${datasetLabel(dataset)})`;
        // the hinge paths the prose quotes come first, so the page fills its numbers early
        return loss === 'hinge'
          ? [
              pathsJob(id('7-9,0-1'), `${model} paths of 7 vs 9 and 0 vs 1${of}`, loss, firstPairs, dataset),
              pathsJob(id('rest'), `${model} paths of the other 43 pairs${of}`, loss, otherPairs, dataset),
            ]
          : [pathsJob(id('all'), `${model} paths of the 45 pairs${of}`, loss, allPairs(), dataset)];
      }),
  },
  {
    id: 'local-linearity',
    title: '2-layer ReLU networks of 7 vs 9 against weight decay',
    command: 'npx l2angle nn --study local-linearity',
    main: true,
    nn: true,
    anyDataset: true,
    jobs: (dataset = 'mnist') => [localLinearityJob(undefined, undefined, {}, dataset)],
  },
  {
    id: 'lenet',
    title: 'the two LeNets of the article, and their comparison',
    command: 'npx l2angle nn --study lenet',
    main: true,
    nn: true,
    anyDataset: true,
    jobs: (dataset = 'mnist') => [
      ...ARTICLE_LENETS.map((which) => lenetTrainingJob(which, undefined, 0, dataset)),
      lenetStudyJob(undefined, dataset),
    ],
  },
  {
    id: 'adversarial',
    title: 'targeted adversarial examples against the two LeNets',
    command: 'npx l2angle nn --study adversarial',
    main: true,
    nn: true,
    anyDataset: true,
    jobs: (dataset = 'mnist') =>
      ARTICLE_LENETS.map((which) => lenetAdversarialJob(which, undefined, 0, dataset)),
  },
  {
    // beyond the article, linear models: after the article's own jobs, before the seed networks
    id: 'robust',
    title: 'adversarial training against ℓ2 perturbations beside weight decay (7 vs 9)',
    command: 'npx l2angle robust --pair 7,9 --loss hinge --lambda 1e-6 (and softplus, and λ = 1e-4)',
    main: true,
    nn: false,
    anyDataset: true,
    jobs: (dataset = 'mnist') => TRAINING_LOSSES.map((loss) => robustJob(loss, dataset)),
  },
  {
    id: 'early-stopping',
    title: 'early stopping of unregularised logistic regression (0 vs 1)',
    command: 'npx l2angle early-stopping --pair 0,1 --steps 100000',
    main: true,
    nn: false,
    anyDataset: true,
    jobs: (dataset = 'mnist') => [earlyStoppingJob(dataset)],
  },
  {
    // beyond the article's own results: the seed spread that the page's comparison of the two needs; last,
    // as the dearest (four more LeNets, most of `npm start`'s time), so the linear follow-ups come first
    id: 'seeds',
    title: 'both LeNets with seeds 1 and 2: the spread a difference must beat',
    command: 'npx l2angle nn --study seeds',
    main: true,
    nn: true,
    anyDataset: true,
    jobs: (dataset = 'mnist') => lenetSeedJobs(undefined, dataset),
  },
]);

/** The study of an id, or undefined. */
export function studyById(id: string): Study | undefined {
  return STUDIES.find((s) => s.id === id);
}

/** A job's status before it runs: the fields the server and a static site fill in from the registry. */
export function waitingStatus(job: Job): JobStatus {
  return {
    id: job.id,
    study: job.study,
    title: job.title,
    artifacts: [...job.artifacts],
    command: studyById(job.study)?.command ?? 'npm start',
    state: 'waiting',
    done: 0,
    total: 0,
    status: '',
  };
}

/** Every job of the main command on a dataset (MNIST: the whole article), cheapest first. */
export function mainJobs(dataset: DatasetName = 'mnist'): Job[] {
  return STUDIES.filter((s) => s.main && (dataset === 'mnist' || s.anyDataset)).flatMap((s) =>
    s.jobs(dataset),
  );
}
