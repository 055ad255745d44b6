// The data-source flags shared by every command that reads images: a named dataset or four idx files.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/dataset.js';
import { MAX_IDX_BYTES } from '../data/idx.js';
import { type DatasetFiles, datasetFiles } from '../data/sources.js';
import { UsageError } from '../errors.js';
import { CUSTOM_DATASET_PREFIX, DATASET_NAMES } from '../schema/datasets.js';
import { parseChoice } from './options.js';

/** The values of the data-source flags. */
export interface DataOptions {
  dataset: string;
  trainImages?: string;
  trainLabels?: string;
  testImages?: string;
  testLabels?: string;
}

/** Adds --dataset and the four idx-file flags to a command. */
export function addDataOptions(command: Command): Command {
  return command
    .option('--dataset <name>', `named dataset: ${DATASET_NAMES.join(' or ')}`, 'mnist')
    .option('--train-images <file>', 'your own training images (idx3, raw or .gz); needs all four files')
    .option('--train-labels <file>', 'your own training labels (idx1, raw or .gz)')
    .option('--test-images <file>', 'your own test images (idx3, raw or .gz)')
    .option('--test-labels <file>', 'your own test labels (idx1, raw or .gz)');
}

/**
 * The name of a user's dataset: `custom-` and the start of a SHA-256 of its four files' bytes, so that other
 * files are never taken for results or checkpoints of earlier ones (and the same files under other paths
 * are). A file that cannot be read is left for the idx reader to report.
 */
export function customName(files: DatasetFiles): string {
  const hash = createHash('sha256');
  for (const path of [files.trainImages, files.trainLabels, files.testImages, files.testLabels]) {
    try {
      // only what the idx reader would read: a device or pipe must not be read here without end
      const stats = statSync(path);
      hash.update(stats.isFile() && stats.size <= MAX_IDX_BYTES ? readFileSync(path) : `not read:${path}`);
    } catch {
      hash.update(`unreadable:${path}`);
    }
    hash.update('\0');
  }
  return `${CUSTOM_DATASET_PREFIX}${hash.digest('hex').slice(0, 12)}`;
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
    const files: DatasetFiles = {
      trainImages: options.trainImages!,
      trainLabels: options.trainLabels!,
      testImages: options.testImages!,
      testLabels: options.testLabels!,
    };
    return { name: customName(files), files };
  }
  const name = parseChoice('--dataset', options.dataset, DATASET_NAMES);
  return { name, files: datasetFiles(name) };
}

/** Loads the dataset that the flags select (errors name the file and what was expected). */
export function loadFromOptions(options: DataOptions): Dataset {
  const { name, files } = resolveDataFiles(options);
  return loadDataset(files, name);
}
