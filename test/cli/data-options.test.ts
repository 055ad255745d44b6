import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDataFiles } from '../../src/cli/data-options.js';
import { mnistFiles } from '../../src/data/sources.js';

const dir = mkdtempSync(join(tmpdir(), 'l2angle-custom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a user's own idx files", () => {
  it('are named by their content: other files get another name, the same files under other paths the same', () => {
    const mnist = mnistFiles();
    const flags = (files: typeof mnist) => ({ dataset: 'mnist', ...files });
    const a = resolveDataFiles(flags(mnist)).name;
    expect(a).toMatch(/^custom-[0-9a-f]{12}$/);
    const copy = { ...mnist, testLabels: join(dir, 'labels-copy') };
    copyFileSync(mnist.testLabels, copy.testLabels);
    expect(resolveDataFiles(flags(copy)).name).toBe(a);
    const changed = { ...mnist, testLabels: join(dir, 'labels-changed') };
    const bytes = readFileSync(mnist.testLabels);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] + 1) % 10;
    writeFileSync(changed.testLabels, bytes);
    expect(resolveDataFiles(flags(changed)).name).not.toBe(a);
    // a device is not read to name it (the idx reader then refuses it)
    expect(resolveDataFiles(flags({ ...mnist, testImages: '/dev/zero' })).name).toMatch(/^custom-/);
  });
});
