import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsStore } from '../../src/experiments/store.js';
import { ArtifactError, type DatasetGeometry, datasetGeometryFile } from '../../src/schema/artifacts.js';
import { ARTIFACT_VERSION } from '../../src/schema/version.js';

const root = mkdtempSync(join(tmpdir(), 'l2angle-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const geometry: DatasetGeometry = {
  schema: 'l2angle/dataset-geometry',
  version: ARTIFACT_VERSION,
  dataset: 'mnist',
  perClass: 3000,
  createdAt: '2026-11-25T00:00:00.000Z',
  pairs: [
    {
      classI: 7,
      classJ: 9,
      nTrain: 6000,
      nTest: 2037,
      centroidDistance: 3.1,
      errTrain: 8.2,
      errTest: 7.9,
      dAdv: 1.55,
    },
  ],
};

describe('the results store', () => {
  it('writes atomically (no temp file left) and reads back the validated artifact', () => {
    const store = new ResultsStore(root);
    const path = store.write('l2angle/dataset-geometry', datasetGeometryFile('mnist'), geometry);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(join(root, 'geometry'))).toEqual(['mnist.json']);
    expect(store.read('l2angle/dataset-geometry', datasetGeometryFile('mnist'))).toEqual(geometry);
    expect(store.has('l2angle/dataset-geometry', datasetGeometryFile('mnist'))).toBe(true);
  });

  it('refuses to write an invalid artifact, naming the field', () => {
    const store = new ResultsStore(root);
    const bad = { ...geometry, pairs: [{ ...geometry.pairs[0], errTest: Number.NaN }] };
    expect(() => store.write('l2angle/dataset-geometry', 'geometry/bad.json', bad)).toThrow(
      /pairs\.0\.errTest/,
    );
    expect(existsSync(join(root, 'geometry/bad.json'))).toBe(false);
  });

  it('removes temp files of dead writers only', () => {
    const store = new ResultsStore(root);
    const dead = join(root, 'geometry', 'x.json.tmp-999999999-0123abcd');
    const live = join(root, 'geometry', `y.json.tmp-${process.pid}-0123abcd`);
    writeFileSync(dead, '{');
    writeFileSync(live, '{');
    expect(store.removeStaleTemps()).toBe(1);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    rmSync(live);
  });

  it('treats a missing file as not done, and a corrupt or stale one as an error naming the file', () => {
    const store = new ResultsStore(root);
    expect(store.read('l2angle/dataset-geometry', 'geometry/none.json')).toBeUndefined();
    writeFileSync(join(root, 'geometry/corrupt.json'), '{"schema": "l2angle/dataset-geometry", "vers');
    expect(() => store.read('l2angle/dataset-geometry', 'geometry/corrupt.json')).toThrow(ArtifactError);
    expect(() => store.read('l2angle/dataset-geometry', 'geometry/corrupt.json')).toThrow(/corrupt\.json/);
    writeFileSync(join(root, 'geometry/old.json'), JSON.stringify({ ...geometry, version: 0 }));
    expect(() => store.read('l2angle/dataset-geometry', 'geometry/old.json')).toThrow(/version/);
    expect(store.has('l2angle/dataset-geometry', 'geometry/old.json')).toBe(false);
  });
});
