#!/usr/bin/env node
// `npm run build`: builds only what changed since the last build. Each step has its inputs and a stamp
// file written after it succeeds; a step runs when an input is newer than its stamp (or with --force), so a
// second `npm start` with nothing changed goes straight to the server. A fresh clone has no stamps and builds
// everything.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');

/** Newest modification time under the given files and folders (0 when none exist). */
function newest(paths) {
  let best = 0;
  const visit = (path) => {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      return;
    }
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else best = Math.max(best, stats.mtimeMs);
  };
  for (const p of paths) visit(join(root, p));
  return best;
}

/** Writes a .gz copy beside every text file of the built page (the server sends it to browsers that accept gzip). */
function compressText(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) compressText(path);
    else if (/\.(html|js|css|svg|json|map)$/.test(entry.name))
      writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
  }
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const npmRun = (script) => execFileSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
/** Worker entry files (under dist/) bundled into one file each after tsc. */
const BUNDLED_WORKERS = ['experiments/path-solve-worker.js'];

const STEPS = [
  {
    name: 'wasm kernels (AssemblyScript)',
    inputs: ['assembly', 'asconfig.json', 'package-lock.json', 'scripts/build.mjs'],
    outputs: ['build/kernels.wasm', 'build/engine.wasm', 'build/solvers.wasm'],
    stamp: 'build/.stamp',
    run: () => npmRun('build:wasm'),
  },
  {
    name: 'TypeScript (dist/)',
    inputs: ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build.mjs'],
    outputs: ['dist/cli/main.js', 'dist/index.js'],
    stamp: 'dist/.stamp-tsc',
    run: () => {
      execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
      // The solver thread of `svm --pair` starts on the command's critical path: as one file it loads in about
      // half the time of its hundred-odd modules. Bundled in place (same folder, so its import.meta.url
      // lookups of build/ still resolve); its imports of node's own modules and of packages stay imports.
      for (const worker of BUNDLED_WORKERS) {
        const file = join(root, 'dist', worker);
        execFileSync(
          bin('esbuild'),
          [
            file,
            '--bundle',
            '--platform=node',
            '--format=esm',
            '--packages=external',
            '--sourcemap',
            '--log-level=warning',
            '--allow-overwrite',
            `--outfile=${file}`,
          ],
          { cwd: root, stdio: 'inherit' },
        );
      }
    },
  },
  {
    name: 'the page (dist/web)',
    inputs: ['web', 'src', 'vite.config.ts', 'package-lock.json', 'scripts/build.mjs'],
    outputs: ['dist/web/index.html'],
    stamp: 'dist/.stamp-web',
    run: () => {
      npmRun('build:web');
      compressText(join(root, 'dist', 'web'));
    },
  },
];

for (const step of STEPS) {
  const stamp = join(root, step.stamp);
  const built =
    !force &&
    existsSync(stamp) &&
    step.outputs.every((o) => existsSync(join(root, o))) &&
    statSync(stamp).mtimeMs >= newest(step.inputs);
  if (built) continue;
  const started = Date.now();
  step.run();
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  console.log(`build: ${step.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
