// Every registry is enumerated: a half-wired entry (a loss without a solver, a study without jobs, a figure
// without its element, a dataset without class names) fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ARTICLE_LENETS,
  allPairs,
  LAMBDA_COUNT,
  lambdaGrid,
  NETWORK_KEYS,
  QUOTED_PAIRS,
} from '../src/article.js';
import { NN_STUDIES } from '../src/cli/commands/nn.js';
import { buildProgram } from '../src/cli/main.js';
import { mainJobs, STUDIES, waitingStatus } from '../src/experiments/studies.js';
import { LOSSES, lossFunction, smallNormConstants, TRAINING_LOSSES } from '../src/math/losses.js';
import { toyTrainingSet } from '../src/math/toy.js';
import { artifactSchemas, svmPathSchema, trainingLossSchema } from '../src/schema/artifacts.js';
import { className, DATASET_NAMES, DATASETS, pairLabel } from '../src/schema/datasets.js';
import { jobStatusSchema } from '../src/schema/status.js';
import { toyFitRecordSchema } from '../src/schema/toy.js';
import { SOLVERS } from '../src/solvers/registry.js';
import { fitToy } from '../src/solvers/toy-fit.js';
import { FIGURES } from '../web/figure-list.js';

describe('the loss registry', () => {
  it.each(TRAINING_LOSSES)('%s: f′ is the derivative of f, and (α, β) = (f(0), −f′(0))', (name) => {
    const entry = LOSSES[name];
    expect(entry.name).toBe(name);
    expect(lossFunction(name)).toBe(entry.f);
    for (const z of [-3, -0.5, 0.3, 2.5]) {
      if (entry.kinks.some((k) => Math.abs(Math.abs(z) - Math.abs(k)) < 1e-3)) continue;
      const h = 1e-6;
      expect(entry.derivative(z)).toBeCloseTo((entry.f(z + h) - entry.f(z - h)) / (2 * h), 6);
    }
    const h = 1e-7;
    // a kinked loss at 0 is smooth for these two; the one-sided slope from the right is −β either way
    expect(entry.alpha).toBeCloseTo(entry.f(0), 12);
    expect(entry.beta).toBeCloseTo(-(entry.f(h) - entry.f(0)) / h, 6);
    expect(smallNormConstants(name)).toEqual({ alpha: entry.alpha, beta: entry.beta });
  });

  it.each(TRAINING_LOSSES)('%s: is served by a solver, a schema value and the toy fit', (name) => {
    const solver = SOLVERS[LOSSES[name].pathSolver];
    expect(solver.name).toBe(LOSSES[name].pathSolver);
    expect(trainingLossSchema.parse(name)).toBe(name);
    expect(svmPathSchema.shape.loss.options).toContain(name);
    expect(toyFitRecordSchema.shape.loss.options).toContain(name);
    const fit = fitToy(name, 1e-3);
    expect(fit.loss).toBe(name);
    expect(fit.converged).toBe(true);
  });

  it('is what --loss accepts and lists', async () => {
    const svm = (await buildProgram()).commands.find((c) => c.name() === 'svm');
    const help = svm?.helpInformation() ?? '';
    for (const name of TRAINING_LOSSES) expect(help).toContain(name);
  });
});

describe('the solver registry', () => {
  it.each(Object.values(SOLVERS))(
    '$name: reports in the one FitReport shape, on a small problem and a path',
    (solver) => {
      const set = toyTrainingSet();
      const small = solver.fitSmall(set, 1e-2);
      const path = solver.solvePath(set, [1e-1, 1e-2]);
      for (const report of [small, ...path]) {
        expect(Number.isFinite(report.objective)).toBe(true);
        expect(Number.isInteger(report.iterations)).toBe(true);
        expect(report.converged).toBe(true);
        expect(report.measure).toBe(solver.measure);
        expect(report.optimality).toBeLessThanOrEqual(report.tolerance);
        expect(report.w).toHaveLength(set.dim);
      }
      // both solve the same problem at λ = 1e-2: the same objective to the tolerances
      expect(Math.abs(path[1].objective - small.objective)).toBeLessThan(1e-6);
      // every solver serves some loss
      expect(TRAINING_LOSSES.some((l) => LOSSES[l].pathSolver === solver.name)).toBe(true);
    },
  );
});

describe('the dataset registry', () => {
  it.each(DATASET_NAMES)('%s: ten class names, a source and an install line', (name) => {
    const entry = DATASETS[name];
    expect(entry.name).toBe(name);
    expect(entry.classNames).toHaveLength(10);
    expect(new Set(entry.classNames).size).toBe(10);
    expect(entry.install.length).toBeGreaterThan(0);
    expect(entry.source.package.length).toBeGreaterThan(0);
  });

  it('names classes and pairs, a user dataset’s too', () => {
    expect(pairLabel('fashion-mnist', 0, 6)).toBe('T-shirt/top vs shirt');
    expect(pairLabel('mnist', 7, 9)).toBe('7 vs 9');
    expect(className('custom-0123456789ab', 3)).toBe('class 3');
  });

  it('is what --dataset lists', async () => {
    const help = (await buildProgram()).commands.find((c) => c.name() === 'svm')?.helpInformation() ?? '';
    for (const name of DATASET_NAMES) expect(help).toContain(name);
  });
});

describe('the study registry', () => {
  it('has unique ids, and every job names its study, real artifact files and a valid status', () => {
    const ids = STUDIES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const artifacts = new Set<string>();
    for (const study of STUDIES) {
      const jobs = study.jobs();
      expect(jobs.length, study.id).toBeGreaterThan(0);
      expect(study.command.length).toBeGreaterThan(0);
      for (const job of jobs) {
        expect(job.study).toBe(study.id);
        expect(job.artifacts.length, job.id).toBeGreaterThan(0);
        for (const file of job.artifacts) {
          // a relative file path, not a pattern or a display string
          expect(file, job.id).toMatch(/^[a-z0-9][a-z0-9_/.-]*\.json$/i);
          expect(artifacts.has(file), `${file} is written by two jobs`).toBe(false);
          artifacts.add(file);
        }
        expect(jobStatusSchema.safeParse(waitingStatus(job)).success).toBe(true);
      }
    }
  });

  it('is what npm start runs and what nn --study offers', async () => {
    expect(mainJobs().map((j) => j.id)).toEqual(
      STUDIES.filter((s) => s.main).flatMap((s) => s.jobs().map((j) => j.id)),
    );
    expect(NN_STUDIES).toEqual([...STUDIES.filter((s) => s.nn).map((s) => s.id), 'all']);
    const help = (await buildProgram()).commands.find((c) => c.name() === 'nn')?.helpInformation() ?? '';
    for (const id of NN_STUDIES) expect(help).toContain(id);
  });

  it('runs every study on Fashion-MNIST too, in jobs and files of its own', () => {
    const mnist = mainJobs();
    const fashion = mainJobs('fashion-mnist');
    // the same studies, job for job
    expect(fashion.map((j) => j.study)).toEqual(mnist.map((j) => j.study));
    const ids = new Set(mnist.map((j) => j.id));
    const files = new Set(mnist.flatMap((j) => j.artifacts));
    // the toy problem has no dataset: the same job either way
    for (const job of fashion.filter((j) => j.study !== 'toy')) {
      expect(ids.has(job.id), job.id).toBe(false);
      for (const file of job.artifacts) expect(files.has(file), file).toBe(false);
    }
    // the LeNets' folders are named after the dataset, MNIST's stay the article's
    const lenet = fashion.filter((j) => j.study === 'lenet' || j.study === 'adversarial');
    expect(lenet.flatMap((j) => j.artifacts)).toEqual([
      'nn/fashion-mnist/lenet-low/metrics.json',
      'nn/fashion-mnist/lenet-high/metrics.json',
      'nn/fashion-mnist/lenet-study.json',
      'nn/fashion-mnist/adversarial-LeNet_low.json',
      'nn/fashion-mnist/adversarial-LeNet_high.json',
    ]);
    expect(lenet.map((j) => j.title).every((t) => t.endsWith('(Fashion-MNIST)'))).toBe(true);
  });

  it('computes all 90 paths, the quoted ones first', () => {
    const svm = STUDIES.find((s) => s.id === 'svm')?.jobs() ?? [];
    const files = svm.flatMap((j) => j.artifacts);
    expect(files).toHaveLength(allPairs().length * TRAINING_LOSSES.length);
    expect(svm[0].artifacts).toHaveLength(QUOTED_PAIRS.length);
  });
});

describe('the figure registry', () => {
  const html = readFileSync(new URL('../web/index.html', import.meta.url), 'utf8');
  const inPage = new Set(Array.from(html.matchAll(/data-figure="([^"]+)"/g), (m) => m[1]));

  it('has unique names, known artifact kinds and parents that exist', () => {
    const names = FIGURES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const figure of FIGURES) {
      for (const kind of figure.needs) expect(Object.keys(artifactSchemas), figure.name).toContain(kind);
      if ('parent' in figure) expect(names).toContain(figure.parent);
    }
  });

  it('has an element in the page for every figure mounted on its own, and no figure element outside it', () => {
    for (const figure of FIGURES)
      if (!('parent' in figure)) expect(inPage, figure.name).toContain(figure.name);
    // the page's other data-figure elements are containers of a figure, not figures
    const containers = ['mnist-controls', 'data-mode', 'progress'];
    for (const name of inPage) {
      if (!containers.includes(name))
        expect(
          FIGURES.map((f) => f.name as string),
          name,
        ).toContain(name);
    }
  });
});

describe('the article constants', () => {
  it('hold the λ grid, the two LeNets and the network keys the URL state accepts', () => {
    const grid = lambdaGrid();
    expect(grid).toHaveLength(LAMBDA_COUNT);
    expect(grid[0]).toBeCloseTo(100, 10);
    expect(grid[LAMBDA_COUNT - 1]).toBeCloseTo(1e-6, 18);
    expect(NETWORK_KEYS).toEqual(ARTICLE_LENETS.map((n) => n.key));
  });
});
