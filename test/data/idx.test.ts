import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openIdxFile, parseIdx, readIdxFile } from '../../src/data/idx.js';
import { idxBytes, inputError, tempDir, writeTemp } from './idx-builder.js';

const IMAGE_DATA = Array.from({ length: 24 }, (_, k) => k * 10);

describe('parseIdx', () => {
  it('reads 1-D labels', () => {
    const idx = parseIdx(idxBytes([5], [5, 0, 4, 1, 9]), 'labels');
    expect(idx.dims).toEqual([5]);
    expect(Array.from(idx.data)).toEqual([5, 0, 4, 1, 9]);
  });

  it('reads 3-D images, big-endian dimensions included', () => {
    const idx = parseIdx(idxBytes([2, 3, 4], IMAGE_DATA), 'images');
    expect(idx.dims).toEqual([2, 3, 4]);
    expect(Array.from(idx.data)).toEqual(IMAGE_DATA);
    expect(parseIdx(idxBytes([300, 0], []), 'empty').dims).toEqual([300, 0]);
  });

  it('reads from a view that does not start at the beginning of its buffer', () => {
    const file = idxBytes([3], [7, 8, 9]);
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 5);
    const idx = parseIdx(padded.subarray(5), 'labels');
    expect(Array.from(idx.data)).toEqual([7, 8, 9]);
  });

  it('rejects a wrong magic number, naming what was expected', () => {
    const bytes = Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0]);
    expect(inputError(() => parseIdx(bytes, 'foo.bin')).message).toBe(
      'foo.bin: not an idx file (magic number 0x12345678; expected 0x00000801 for labels or 0x00000803 for images)',
    );
    expect(inputError(() => parseIdx(Uint8Array.from([0, 0]), 'tiny')).message).toMatch(
      /^tiny: not an idx file/,
    );
  });

  it('rejects element types other than unsigned bytes', () => {
    const bytes = idxBytes([1], [0]);
    bytes[2] = 0x0d;
    expect(inputError(() => parseIdx(bytes, 'floats')).message).toMatch(
      /^floats: unsupported idx element type 0x0d .*only unsigned bytes/,
    );
  });

  it('rejects a truncated header, a truncated payload and trailing bytes', () => {
    const full = idxBytes([2, 3, 4], IMAGE_DATA);
    expect(inputError(() => parseIdx(full.subarray(0, 10), 'img')).message).toBe(
      'img: truncated idx file: a header of 3 dimensions needs 16 bytes, found 10',
    );
    expect(inputError(() => parseIdx(full.subarray(0, 26), 'img')).message).toBe(
      'img: truncated idx file: header says 2×3×4 = 24 bytes of data, found 10',
    );
    const long = new Uint8Array(full.length + 1);
    long.set(full);
    expect(inputError(() => parseIdx(long, 'img')).message).toMatch(
      /longer than its header says.* found 25$/,
    );
  });
});

describe('readIdxFile', () => {
  const dir = tempDir();
  const images = idxBytes([2, 3, 4], IMAGE_DATA);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a raw file', () => {
    const idx = readIdxFile(writeTemp(dir, 'raw-images', images), { rank: 3, inner: [3, 4] });
    expect(idx.dims).toEqual([2, 3, 4]);
    expect(Array.from(idx.data)).toEqual(IMAGE_DATA);
  });

  it('reads gzip, detected by its magic bytes whatever the extension', () => {
    for (const name of ['images.gz', 'gzip-without-extension']) {
      const idx = readIdxFile(writeTemp(dir, name, gzipSync(images)));
      expect(idx.dims).toEqual([2, 3, 4]);
      expect(Array.from(idx.data)).toEqual(IMAGE_DATA);
    }
    expect(readIdxFile(writeTemp(dir, 'raw-but-named.gz', images)).dims).toEqual([2, 3, 4]);
  });

  it('names the file and the expected byte count when the file is truncated', () => {
    const path = writeTemp(dir, 'train-images-idx3-ubyte', images.subarray(0, images.length - 14));
    const err = inputError(() => readIdxFile(path));
    expect(err.message).toBe(
      'train-images-idx3-ubyte: truncated idx file: header says 2×3×4 = 24 bytes of data, found 10',
    );
  });

  it('reports a corrupt or truncated gzip stream', () => {
    const gz = gzipSync(images);
    const path = writeTemp(dir, 'cut.gz', gz.subarray(0, gz.length - 12));
    expect(inputError(() => readIdxFile(path)).message).toMatch(
      /^cut\.gz: corrupt or truncated gzip stream \(/,
    );
    const garbage = Uint8Array.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(inputError(() => readIdxFile(writeTemp(dir, 'bad.gz', garbage))).message).toMatch(/corrupt/);
  });

  it('stops a gzip bomb at the size its header announces, and refuses devices and pipes', () => {
    // a header for 1×28×28 bytes followed by 256 MiB of zeros: a few hundred kilobytes compressed
    const header = idxBytes([1, 28, 28], new Uint8Array(784));
    const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(256 << 20)]), { level: 9 });
    expect(bomb.length).toBeLessThan(1 << 20);
    const before = process.memoryUsage().arrayBuffers;
    expect(inputError(() => readIdxFile(writeTemp(dir, 'bomb.gz', bomb))).message).toBe(
      'bomb.gz: the gzip stream inflates to more than the 800 bytes its idx header announces',
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
    expect(inputError(() => readIdxFile('/dev/zero')).message).toMatch(/^\/dev\/zero: not a regular file/);
  });

  it('reports a wrong magic number in a file', () => {
    const path = writeTemp(dir, 'foo.bin', Uint8Array.from([0x12, 0x34, 0x56, 0x78]));
    expect(inputError(() => readIdxFile(path)).message).toMatch(
      /^foo\.bin: not an idx file \(magic number 0x12345678/,
    );
  });

  it('reports a missing file and a directory', () => {
    const missing = join(dir, 'nothing-here');
    expect(inputError(() => readIdxFile(missing)).message).toBe(`${missing}: no such file`);
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expect(inputError(() => readIdxFile(sub)).message).toMatch(/is a directory/);
  });

  it('checks the rank and the inner dimensions when asked', () => {
    const labels = writeTemp(dir, 'labels', idxBytes([3], [1, 2, 3]));
    expect(inputError(() => readIdxFile(labels, { rank: 3 })).message).toBe(
      'labels: expected an idx file of rank 3 (magic number 0x00000803), found rank 1 (3)',
    );
    const path = writeTemp(dir, 'images', images);
    expect(readFileSync(path).length).toBe(40);
    expect(inputError(() => readIdxFile(path, { rank: 3, inner: [28, 28] })).message).toBe(
      'images: expected items of 28×28, found 3×4 (dimensions 2×3×4)',
    );
  });
});

describe('openIdxFile', () => {
  const dir = tempDir();
  // 5 items of 2×3 bytes: item k holds 6k … 6k + 5
  const data = Array.from({ length: 30 }, (_, k) => k);
  const bytes = idxBytes([5, 2, 3], data);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const items = (index: number[]) => index.flatMap((k) => data.slice(6 * k, 6 * k + 6));

  it('reads the asked-for items of a raw and of a gzip file, runs and gaps alike', () => {
    for (const [name, file] of [
      ['raw', bytes],
      ['gz', gzipSync(bytes)],
    ] as const) {
      const idx = openIdxFile(writeTemp(dir, name, file), { rank: 3, inner: [2, 3] });
      expect(idx.dims).toEqual([5, 2, 3]);
      for (const index of [[], [0], [4], [0, 1, 2], [1, 3, 4], [4, 0, 2], [0, 1, 2, 3, 4]])
        expect(Array.from(idx.read(Int32Array.from(index)))).toEqual(items(index));
    }
  });

  it('makes readIdxFile’s checks when it opens, and refuses positions outside the file', () => {
    const cut = writeTemp(dir, 'cut-images', bytes.subarray(0, bytes.length - 1));
    expect(inputError(() => openIdxFile(cut)).message).toBe(
      'cut-images: truncated idx file: header says 5×2×3 = 30 bytes of data, found 29',
    );
    const long = writeTemp(dir, 'long-images', Uint8Array.from([...bytes, 0]));
    expect(inputError(() => openIdxFile(long)).message).toMatch(/longer than its header says/);
    expect(inputError(() => openIdxFile(join(dir, 'none'))).message).toMatch(/: no such file$/);
    expect(inputError(() => openIdxFile(writeTemp(dir, 'two', Uint8Array.from([0, 0])))).message).toBe(
      'two: not an idx file (2 bytes, too short for a magic number)',
    );
    const path = writeTemp(dir, 'images', bytes);
    expect(inputError(() => openIdxFile(path, { rank: 1 })).message).toMatch(
      /expected an idx file of rank 1/,
    );
    expect(() => openIdxFile(path).read(Int32Array.from([5]))).toThrow(/item 5 asked for, the file has 5/);
  });
});
