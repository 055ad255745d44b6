// `l2angle geometry`: the nearest-centroid geometry of one pair, or of all 45 pairs into the results folder.

import type { Command } from 'commander';
import { PER_CLASS } from '../../article.js';
import { selectPair } from '../../data/pairs.js';
import { UsageError } from '../../errors.js';
import { allPairs, pairGeometry } from '../../experiments/geometry.js';
import { ResultsStore } from '../../experiments/store.js';
import { type DatasetGeometry, datasetGeometryFile, type PairGeometry } from '../../schema/artifacts.js';
import { ARTIFACT_VERSION } from '../../schema/version.js';
import { addDataOptions, type DataOptions, loadFromOptions } from '../data-options.js';
import { parsePair, parsePositiveInt } from '../options.js';
import { createProgress } from '../progress.js';

interface GeometryOptions extends DataOptions {
  pair?: string;
  all?: boolean;
  perClass: string;
}

function formatRow(g: PairGeometry): string {
  return [
    `${g.classI}-${g.classJ}`.padEnd(5),
    String(g.nTrain).padStart(6),
    String(g.nTest).padStart(6),
    g.centroidDistance.toFixed(4).padStart(9),
    g.dAdv.toFixed(4).padStart(9),
    g.errTrain.toFixed(2).padStart(9),
    g.errTest.toFixed(2).padStart(8),
  ].join(' ');
}

const HEADER = 'pair  n_train n_test   ‖j − i‖     d_adv  err_train err_test';

/** Registers the `geometry` command. */
export function registerGeometry(program: Command): void {
  addDataOptions(
    program
      .command('geometry')
      .summary('nearest-centroid geometry of digit pairs: ‖j − i‖, d_adv, errors (the λ → ∞ limit)')
      .description(
        'For a pair of classes (first --per-class training images of each, all test images), computes the ' +
          'centroids i and j, the nearest-centroid classifier (normal ẑ = (j − i)/‖j − i‖, boundary through ' +
          'their midpoint), its training and test error (%) and its adversarial distance ½‖j − i‖ (0..1 pixel ' +
          'scale). With --all, does the 45 pairs and writes them into the results folder.',
      )
      .option('--pair <I,J>', 'the two classes, smaller first (class I has y = −1), e.g. 7,9')
      .option('--all', 'all 45 pairs, written to <results>/geometry/<dataset>.json')
      .option(
        '--per-class <n>',
        'training images per class (the first ones in file order)',
        String(PER_CLASS),
      ),
  ).action((options: GeometryOptions, command: Command) => {
    const perClass = parsePositiveInt('--per-class', options.perClass);
    if (Boolean(options.all) === (options.pair !== undefined)) {
      throw new UsageError('geometry: give either --pair I,J or --all');
    }
    const pairs = options.all ? allPairs() : [parsePair(options.pair!)];
    const data = loadFromOptions(options);
    const rows: PairGeometry[] = [];
    const progress = createProgress('geometry', pairs.length, !options.all);
    for (const [i, j] of pairs) {
      rows.push(pairGeometry(selectPair(data, i, j, perClass)));
      progress.increment(`${i}-${j}`);
    }
    progress.stop();
    process.stdout.write(`${HEADER}\n${rows.map(formatRow).join('\n')}\n`);
    if (options.all) {
      const store = new ResultsStore(command.optsWithGlobals().results);
      const artifact: DatasetGeometry = {
        schema: 'l2angle/dataset-geometry',
        version: ARTIFACT_VERSION,
        dataset: data.name,
        perClass,
        createdAt: new Date().toISOString(),
        pairs: rows,
      };
      const path = store.write('l2angle/dataset-geometry', datasetGeometryFile(data.name), artifact);
      process.stdout.write(`wrote ${path}\n`);
    }
  });
}
