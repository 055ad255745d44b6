// `l2angle data`: checks a dataset's files and prints how many images each class has.
import type { Command } from 'commander';
import { type ImageSet, loadDataset } from '../../data/dataset.js';
import { addDataOptions, type DataOptions, resolveDataFiles } from '../data-options.js';

function classCounts(set: ImageSet): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of set.labels) if (label < 10) counts[label]++;
  return counts;
}

/** Registers the `data` command. */
export function registerData(program: Command): void {
  addDataOptions(
    program
      .command('data')
      .summary('check a dataset (MNIST, Fashion-MNIST or your idx files) and count its images per class')
      .description(
        'Reads the four idx files of a dataset with our own idx reader (raw or gzip), checks magic numbers, ' +
          'dimensions and lengths, and prints the files and the number of images of each class.',
      ),
  ).action((options: DataOptions) => {
    const { name, files } = resolveDataFiles(options);
    const data = loadDataset(files, name);
    const out = process.stdout;
    out.write(`dataset ${data.name}\n`);
    for (const [role, file] of Object.entries(files)) out.write(`  ${role.padEnd(12)} ${file}\n`);
    out.write(`  image size   ${data.train.rows}×${data.train.cols}\n`);
    out.write(`  train        ${data.train.count} images\n  test         ${data.test.count} images\n`);
    const train = classCounts(data.train);
    const test = classCounts(data.test);
    out.write('  class  train   test\n');
    for (let c = 0; c < 10; c++)
      out.write(
        `  ${String(c).padStart(5)} ${String(train[c]).padStart(6)} ${String(test[c]).padStart(6)}\n`,
      );
  });
}
