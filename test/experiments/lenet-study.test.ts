import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTICLE_LENETS, articleSettings, setAsideStaleRun } from '../../src/experiments/lenet-study.js';
import { CHECKPOINT_FILE } from '../../src/experiments/lenet-training.js';
import { ResultsStore } from '../../src/experiments/store.js';
import { encodeCheckpoint, lenetRunFolder } from '../../src/schema/training.js';

const root = mkdtempSync(join(tmpdir(), 'l2angle-lenet-study-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function checkpoint(settings: ReturnType<typeof articleSettings>): Uint8Array {
  const t = (n: number) => new Float32Array(n).fill(0.5);
  return encodeCheckpoint(
    { dataset: 'mnist', settings, threads: 2, epoch: 0, history: [] },
    { mean: t(784), parameters: [t(4)], velocities: [t(4)] },
  );
}

describe("the article's LeNet runs in the results folder", () => {
  const low = ARTICLE_LENETS[0];

  it('sets aside, whole, a run trained under another convention, and keeps one with the same settings', () => {
    const store = new ResultsStore(join(root, 'a'));
    const folder = lenetRunFolder(low.key);
    mkdirSync(store.pathOf(folder), { recursive: true });
    const old = checkpoint(articleSettings(low, 0, 'pytorch'));
    writeFileSync(store.pathOf(`${folder}/${CHECKPOINT_FILE}`), old);
    writeFileSync(store.pathOf(`${folder}/notes.txt`), 'mine');
    expect(setAsideStaleRun(store, folder, articleSettings(low))).toBe(`superseded/${folder}-1`);
    expect(existsSync(store.pathOf(folder))).toBe(false);
    expect(readFileSync(store.pathOf(`superseded/${folder}-1/${CHECKPOINT_FILE}`))).toEqual(Buffer.from(old));
    expect(readFileSync(store.pathOf(`superseded/${folder}-1/notes.txt`), 'utf8')).toBe('mine');
    // a current run stays where it is
    mkdirSync(store.pathOf(folder), { recursive: true });
    writeFileSync(store.pathOf(`${folder}/${CHECKPOINT_FILE}`), checkpoint(articleSettings(low)));
    expect(setAsideStaleRun(store, folder, articleSettings(low))).toBeUndefined();
    expect(existsSync(store.pathOf(`${folder}/${CHECKPOINT_FILE}`))).toBe(true);
  });

  it('sets aside a checkpoint of an older artifact version next to the earlier one, and leaves a corrupt one', () => {
    const store = new ResultsStore(join(root, 'b'));
    const folder = lenetRunFolder(low.key, 2);
    const write = (bytes: Uint8Array) => {
      mkdirSync(store.pathOf(folder), { recursive: true });
      writeFileSync(store.pathOf(`${folder}/${CHECKPOINT_FILE}`), bytes);
    };
    const json = new TextEncoder().encode(JSON.stringify({ version: 1, settings: { seed: 2 } }));
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, json.length, true);
    const v1 = Buffer.concat([Buffer.from('L2ANGLE-CHECKPOINT\n'), header, json]);
    for (const n of [1, 2]) {
      write(v1);
      expect(setAsideStaleRun(store, folder, articleSettings(low, 2))).toBe(`superseded/${folder}-${n}`);
    }
    write(new TextEncoder().encode('not a checkpoint'));
    expect(setAsideStaleRun(store, folder, articleSettings(low, 2))).toBeUndefined();
    expect(existsSync(store.pathOf(`${folder}/${CHECKPOINT_FILE}`))).toBe(true);
  });
});
