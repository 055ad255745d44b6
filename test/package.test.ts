// l2angle as another project uses it: `npm pack`, `npm install <tarball>` into an empty folder, then the
// README's library example (docs/library-example.mjs) run there against the installed package.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'l2angle-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

describe('the package', () => {
  it('installs from its tarball and runs the README example with types and a browser-safe maths entry', () => {
    // `npm test` has built dist/ and build/ already: pack them as they are
    npm(['pack', '--ignore-scripts', '--pack-destination', dir], root);
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const consumer = join(dir, 'consumer');
    execFileSync('mkdir', ['-p', consumer]);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball!)], consumer);
    const installed = join(consumer, 'node_modules', 'l2angle');
    expect(existsSync(join(installed, 'dist', 'index.d.ts'))).toBe(true);
    expect(readFileSync(join(installed, 'dist', 'index.d.ts'), 'utf8')).toMatch(/solveHingePath/);

    copyFileSync(join(root, 'docs', 'library-example.mjs'), join(consumer, 'example.mjs'));
    const out = execFileSync(process.execPath, ['example.mjs'], { cwd: consumer, encoding: 'utf8' });
    const rows = [...out.matchAll(/θ = ([\d.]+) rad, d_adv = ([\d.]+), ½‖j − i‖ cos θ = ([\d.]+)/g)];
    expect(rows).toHaveLength(2);
    // strong regularisation: the nearest-centroid boundary; weak: tilted; the identity holds at both
    expect(Number(rows[0][1])).toBeLessThan(0.01);
    expect(Number(rows[1][1])).toBeGreaterThan(0.5);
    for (const row of rows) expect(Math.abs(Number(row[2]) - Number(row[3]))).toBeLessThan(2e-4);

    writeFileSync(
      join(consumer, 'math.mjs'),
      "import { tiltingAngle } from 'l2angle/math'; console.log(tiltingAngle([1, 0], [0, 1]).toFixed(4));",
    );
    expect(execFileSync(process.execPath, ['math.mjs'], { cwd: consumer, encoding: 'utf8' }).trim()).toBe(
      '1.5708',
    );

    // the README shows exactly the code that ran here
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(readFileSync(join(root, 'docs', 'library-example.mjs'), 'utf8').trim());
  }, 300_000);
});
