// The central experiment's artifact on a small real slice (200 images per class of 7 vs 9).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { type BinaryPair, selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import { svmPathCsv } from '../../src/experiments/svm-path.js';
import { computeSvmPath } from '../../src/experiments/svm-run.js';
import type { TrainingLoss } from '../../src/math/losses.js';
import { SVM_CSV_COLUMNS, type SvmPath, svmPathSchema } from '../../src/schema/artifacts.js';
import { decodeFloat32, dequantise } from '../../src/schema/encoding.js';

let pair: BinaryPair;
const paths = new Map<TrainingLoss, SvmPath>();

beforeAll(() => {
  pair = selectPair(loadDataset(mnistFiles(), 'mnist'), 7, 9, 200);
  for (const loss of ['hinge', 'softplus'] as const) {
    paths.set(loss, computeSvmPath(pair, 'mnist', loss, { rows: 28, cols: 28 }).artifact);
  }
});

describe.each(['hinge', 'softplus'] as const)('the %s path artifact', (loss) => {
  it('validates against the schema and has the 81 models of the grid', () => {
    const path = paths.get(loss)!;
    expect(() => svmPathSchema.parse(path)).not.toThrow();
    expect(path.models.map((m) => m.c)).toEqual(Array.from({ length: 81 }, (_, c) => c));
    expect(path.models[0].lambda).toBe(100);
    expect(path.models[80].lambda).toBeCloseTo(1e-6, 18);
    for (const m of path.models) expect(m.converged).toBe(true);
  });

  it('satisfies d_adv = ½‖j − i‖ cos θ for every model', () => {
    const path = paths.get(loss)!;
    for (const m of path.models) {
      const expected = 0.5 * path.centroidDistance * Math.cos(m.theta);
      expect(Math.abs(m.dAdv - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1e-3, Math.abs(expected)));
    }
  });

  it('shows the article’s trend: training error and d_adv fall while θ rises as λ decreases', () => {
    const { models } = paths.get(loss)!;
    const [strong, weak] = [models[0], models[80]];
    expect(weak.errTrain).toBeLessThan(strong.errTrain);
    expect(weak.dAdv).toBeLessThan(strong.dAdv);
    expect(weak.theta).toBeGreaterThan(strong.theta + 0.5);
  });

  it('stores pictures, tilting-plane coordinates and histograms consistently', () => {
    const path = paths.get(loss)!;
    expect(decodeFloat32(path.centroids.i)).toHaveLength(784);
    expect(dequantise(path.planeU)).toHaveLength(pair.train.n);
    for (const m of path.models) {
      expect(decodeFloat32(m.w)).toHaveLength(784);
      expect(dequantise(m.planeV)).toHaveLength(pair.train.n);
      // 200 per class < 1500: the histogram counts every training image
      expect(m.histogram.reduce((s, v) => s + v, 0)).toBe(pair.train.n);
    }
  });

  it('records mirror images whose midpoint is on the boundary, 2|d(x)| away, in the tilting plane', () => {
    const path = paths.get(loss)!;
    for (const m of path.models) {
      for (const r of [m.mirrors.I, m.mirrors.J]) {
        expect(decodeFloat32(r.picture)).toHaveLength(784);
        expect(Math.hypot(r.u - r.uMirror, r.v - r.vMirror)).toBeCloseTo(r.distance, 5);
        // the boundary in the plane: cos θ · u + sin θ · v + d(o) = 0
        const mid = Math.cos(m.theta) * (r.u + r.uMirror) * 0.5 + Math.sin(m.theta) * (r.v + r.vMirror) * 0.5;
        expect(mid + m.midDistance).toBeCloseTo(0, 5);
      }
    }
  });

  it('writes the CSV contract: the exact header and 81 rows', () => {
    const lines = svmPathCsv(paths.get(loss)!.models).trim().split('\n');
    expect(lines[0]).toBe(
      'c,lambda,norm_w,bias,margin,theta,d_adv,d_err,mid_distance,err_train,err_test,objective,gap,iterations',
    );
    expect(lines[0].split(',')).toEqual([...SVM_CSV_COLUMNS]);
    expect(lines).toHaveLength(82);
    for (const line of lines.slice(1)) {
      const cells = line.split(',').map(Number);
      expect(cells).toHaveLength(14);
      for (const v of cells) expect(Number.isFinite(v)).toBe(true);
    }
  });
});

describe('the hinge path at λ = 100', () => {
  it('is the nearest-centroid classifier: θ = 0 and d_adv = ½‖j − i‖', () => {
    const m = paths.get('hinge')!.models[0];
    expect(m.theta).toBeLessThan(1e-6);
    expect(m.dAdv).toBeCloseTo(paths.get('hinge')!.centroidDistance / 2, 9);
  });

  it('keeps the images spread across ẑ in its tilting plane (w ∥ ẑ does not define the plane)', () => {
    const v = dequantise(paths.get('hinge')!.models[0].planeV);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const spread = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    // the widest direction across ẑ: at least as wide as the spread along ẑ's own axis is typical for MNIST
    expect(spread).toBeGreaterThan(0.5);
  });
});
