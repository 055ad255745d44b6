// The test set-up that installs Debian's chromium when it is missing (scripts/ensure-chromium.mjs), run
// against a stand-in apt-get that records its calls: a fresh container has no package lists, so the first
// install fails, the script updates the lists and installs again; nothing is installed when chromium exists.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = join(process.cwd(), 'scripts', 'ensure-chromium.mjs');
const root = mkdtempSync(join(tmpdir(), 'l2angle-chromium-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A stand-in apt-get: logs its arguments; `install` fails until `update` ran, then creates the browser. */
function fakeAptGet(dir: string, browser: string): { aptGet: string; log: string } {
  const log = join(dir, 'calls.log');
  const aptGet = join(dir, 'apt-get');
  writeFileSync(
    aptGet,
    [
      '#!/bin/sh',
      `echo "$*" >> '${log}'`,
      `if [ "$1" = update ]; then touch '${dir}/lists'; exit 0; fi`,
      `if [ "$1" = install ] && [ -f '${dir}/lists' ]; then touch '${browser}'; exit 0; fi`,
      'echo "E: Unable to locate package chromium" >&2',
      'exit 100',
      '',
    ].join('\n'),
  );
  chmodSync(aptGet, 0o755);
  return { aptGet, log };
}

function ensure(env: Record<string, string>) {
  const { L2ANGLE_SKIP_BROWSER: _skip, ...rest } = process.env;
  return spawnSync(process.execPath, [SCRIPT], { env: { ...rest, ...env }, encoding: 'utf8' });
}

describe('ensure-chromium', () => {
  it('does nothing when the browser is there', () => {
    const dir = mkdtempSync(join(root, 'present-'));
    const browser = join(dir, 'chromium');
    writeFileSync(browser, '');
    const { aptGet, log } = fakeAptGet(dir, browser);
    const run = ensure({ L2ANGLE_CHROMIUM: browser, L2ANGLE_APT_GET: aptGet });
    expect(run.status).toBe(0);
    expect(existsSync(log)).toBe(false);
  });

  it.skipIf(!asRoot)('installs it with apt-get, updating the package lists when the first try fails', () => {
    const dir = mkdtempSync(join(root, 'missing-'));
    const browser = join(dir, 'chromium');
    const { aptGet, log } = fakeAptGet(dir, browser);
    const run = ensure({ L2ANGLE_CHROMIUM: browser, L2ANGLE_APT_GET: aptGet });
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(browser)).toBe(true);
    const install = 'install -y --no-install-recommends chromium fonts-liberation';
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([install, 'update', install]);
  });

  it.skipIf(!asRoot)('stops with one line when apt-get installs but the browser is still missing', () => {
    const dir = mkdtempSync(join(root, 'wrong-'));
    const { aptGet } = fakeAptGet(dir, join(dir, 'elsewhere'));
    const run = ensure({ L2ANGLE_CHROMIUM: join(dir, 'chromium'), L2ANGLE_APT_GET: aptGet });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('is still missing');
  });

  it('says how to go on when there is no apt-get, or skips when asked', () => {
    const dir = mkdtempSync(join(root, 'no-apt-'));
    const env = { L2ANGLE_CHROMIUM: join(dir, 'chromium'), L2ANGLE_APT_GET: join(dir, 'no-apt-get') };
    const run = ensure(env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('L2ANGLE_SKIP_BROWSER=1');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(ensure({ ...env, L2ANGLE_SKIP_BROWSER: '1' }).status).toBe(0);
  });
});
