// The data-source flags shared by every command that reads images: a named dataset or four idx files.
import type { Command } from 'commander';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/dataset.js';
import { type DatasetFiles, datasetFiles } from '../data/sources.js';
import { UsageError } from '../errors.js';
import { parseChoice } from './options.js';

/** The values of the data-source flags. */
export interface DataOptions {
  dataset: string;
  trainImages?: string;
  trainLabels?: string;
  testImages?: string;
  testLabels?: string;
}

const DATASETS = ['mnist', 'fashion-mnist'] as const;

/** Adds --dataset and the four idx-file flags to a command. */
export function addDataOptions(command: Command): Command {
  return command
    .option('--dataset <name>', `named dataset: ${DATASETS.join(' or ')}`, 'mnist')
    .option('--train-images <file>', 'your own training images (idx3, raw or .gz); needs all four files')
    .option('--train-labels <file>', 'your own training labels (idx1, raw or .gz)')
    .option('--test-images <file>', 'your own test images (idx3, raw or .gz)')
    .option('--test-labels <file>', 'your own test labels (idx1, raw or .gz)');
}

/** The files and the display name that the flags select. */
export function resolveDataFiles(options: DataOptions): { name: string; files: DatasetFiles } {
  const given = [options.trainImages, options.trainLabels, options.testImages, options.testLabels];
  const count = given.filter((f) => f !== undefined).length;
  if (count > 0 && count < 4) {
    throw new UsageError(
      '--train-images, --train-labels, --test-images and --test-labels go together: give all four idx files',
    );
  }
  if (count === 4) {
    return {
      name: 'custom',
      files: {
        trainImages: options.trainImages!,
        trainLabels: options.trainLabels!,
        testImages: options.testImages!,
        testLabels: options.testLabels!,
      },
    };
  }
  const name = parseChoice('--dataset', options.dataset, DATASETS);
  return { name, files: datasetFiles(name) };
}

/** Loads the dataset that the flags select (errors name the file and what was expected). */
export function loadFromOptions(options: DataOptions): Dataset {
  const { name, files } = resolveDataFiles(options);
  return loadDataset(files, name);
}
