// `npm run faults [-- --kills 5 --seed 1]`: the fault campaign (outside CI, a few minutes on 2 cores).
//
// 1. Kill -9 at random moments. Four long commands run on small real workloads: `svm --all`,
//    `train lenet`, the local-linearity sweep, and `start`. Each is first run once without interruption
//    (the reference). Then it is killed `--kills` times at random moments and rerun each time. After every
//    kill, every artifact in its results folder must validate against its schema. Once the reruns have
//    finished, no temp file may remain, and the final artifacts must equal the reference apart from
//    timestamps and timings. `start` never finishes by itself: it is stopped as soon as its first jobs
//    (toy, geometry, the first two hinge paths) are done, and those are the artifacts compared.
// 2. Load. A running `start` that is computing gets 5 000 concurrent status requests and 10 000
//    event-stream connections (in waves of 500). It must keep answering ordinary requests, and its job must
//    keep moving.
//
// Prints one summary line per part; exits 1 if any check fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../src/math/random.js';
import { type ArtifactKind, artifactSchemas } from '../src/schema/artifacts.js';

const { values } = parseArgs({
  options: { kills: { type: 'string', default: '5' }, seed: { type: 'string', default: '1' } },
});
const KILLS = Number(values.kills);
const random = seededRandom(Number(values.seed));
const BIN = new URL('../bin/l2angle.js', import.meta.url).pathname;
const failures: string[] = [];

/** A run of the CLI: its process and when it ended. */
function launch(args: string[]): { child: ChildProcess; ended: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const ended = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL' && signal !== 'SIGINT' && signal !== 'SIGTERM')
        failures.push(`${args.join(' ')}: exit ${code} ${stderr.trim().split('\n').slice(-2).join(' | ')}`);
      resolve(code);
    }),
  );
  return { child, ended };
}

/** Every file below a folder, relative to it. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/** Checks every artifact of a folder against its schema; returns the number checked. */
function validateFolder(dir: string, when: string): number {
  let checked = 0;
  for (const file of files(dir)) {
    if (!file.endsWith('.json') || file.includes('.tmp-') || file.endsWith('.partial.json')) continue;
    try {
      const value = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { schema?: string };
      const schema = artifactSchemas[value.schema as ArtifactKind];
      if (!schema) continue;
      const result = schema.safeParse(value);
      if (!result.success) failures.push(`${when}: ${file} does not validate`);
      checked++;
    } catch (error) {
      failures.push(`${when}: ${file} is not readable JSON (${(error as Error).message})`);
    }
  }
  return checked;
}

/** An artifact's content without what differs between runs (timestamps, timings, speeds). */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (/^(createdAt|updatedAt|wallSeconds|seconds|imagesPerSecond|startedAt|elapsedSeconds)$/.test(k))
        continue;
      out[k] = stable(v);
    }
    return out;
  }
  return value;
}

/** The comparable content of the JSON artifacts of a folder. */
function snapshot(dir: string, only?: (file: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files(dir)) {
    if (!file.endsWith('.json') || file.includes('.tmp-') || file.endsWith('.partial.json')) continue;
    if (only && !only(file)) continue;
    out.set(file, JSON.stringify(stable(JSON.parse(readFileSync(join(dir, file), 'utf8')))));
  }
  return out;
}

function compare(name: string, reference: Map<string, string>, got: Map<string, string>): number {
  let differ = 0;
  for (const [file, value] of reference) {
    if (got.get(file) !== value) {
      differ++;
      failures.push(`${name}: ${file} differs from the uninterrupted run`);
    }
  }
  for (const file of got.keys()) if (!reference.has(file)) failures.push(`${name}: extra file ${file}`);
  return differ;
}

function tempsIn(dir: string): string[] {
  return files(dir).filter((f) => f.includes('.tmp-'));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One command's campaign: reference run, then kills at random moments with reruns, then the comparison. */
async function campaign(
  name: string,
  args: (results: string) => string[],
  outputOf: (results: string) => string,
) {
  const root = mkdtempSync(join(tmpdir(), `l2angle-faults-${name}-`));
  try {
    const reference = join(root, 'reference');
    const started = Date.now();
    await launch(args(reference)).ended;
    const seconds = (Date.now() - started) / 1000;
    const expected = snapshot(outputOf(reference));
    const faulted = join(root, 'faulted');
    let checked = 0;
    for (let k = 0; k < KILLS; k++) {
      const run = launch(args(faulted));
      // a moment inside the run (a rerun resumes, so later kills come earlier in its own time)
      await Promise.race([sleep(200 + random() * seconds * 900), run.ended]);
      run.child.kill('SIGKILL');
      await run.ended;
      checked += validateFolder(outputOf(faulted), `${name} after kill ${k + 1}`);
    }
    await launch(args(faulted)).ended;
    checked += validateFolder(outputOf(faulted), `${name} after the last rerun`);
    const temps = tempsIn(faulted);
    for (const t of temps) failures.push(`${name}: temp file left: ${t}`);
    const differ = compare(name, expected, snapshot(outputOf(faulted)));
    console.log(
      `faults: ${name}: ${KILLS} kills in a ${seconds.toFixed(1)} s job; ${checked} artifact checks; ` +
        `${expected.size} artifacts, ${differ} differ from the uninterrupted run; ${temps.length} temp files left`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** GET a path of a local server; resolves with the status code or the error's code. */
function get(port: number, path: string, keepOpenMs = 0): Promise<string> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const code = String(res.statusCode);
      if (keepOpenMs > 0) {
        setTimeout(() => {
          res.destroy();
          resolve(code);
        }, keepOpenMs);
      } else {
        res.resume();
        res.on('end', () => resolve(code));
        res.on('error', () => resolve(code));
      }
    });
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    req.end();
  });
}

async function jobsDone(port: number): Promise<number> {
  return new Promise((resolve) => {
    httpRequest({ host: '127.0.0.1', port, path: '/api/status', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += String(d);
      });
      res.on('end', () => {
        try {
          const status = JSON.parse(body) as { jobs: Array<{ done: number; state: string }> };
          resolve(status.jobs.reduce((s, j) => s + (j.state === 'done' ? 1000 : j.done), 0));
        } catch {
          resolve(-1);
        }
      });
    })
      .on('error', () => resolve(-1))
      .end();
  });
}

function tally(codes: string[]): string {
  const counts = new Map<string, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return Array.from(counts, ([c, n]) => `${c}: ${n}`).join(', ');
}

/** `start` on a free port until its first jobs are done (polling its status), then SIGINT. */
async function startUntilFirstJobs(results: string, port: number): Promise<void> {
  const run = launch(['--results', results, 'start', '--port', String(port)]);
  for (;;) {
    const ended = await Promise.race([sleep(500).then(() => false), run.ended.then(() => true)]);
    if (ended) return;
    const files = snapshot(results);
    if (files.has('svm/mnist-0-1-hinge.json') && files.has('svm/mnist-7-9-hinge.json')) break;
  }
  run.child.kill('SIGINT');
  await run.ended;
}

async function startCampaign(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'l2angle-faults-start-'));
  const first = (f: string) => /^(toy\/|geometry\/|svm\/mnist-(7-9|0-1)-hinge)/.test(f);
  try {
    const reference = join(root, 'reference');
    const t0 = Date.now();
    await startUntilFirstJobs(reference, 18_601);
    const seconds = (Date.now() - t0) / 1000;
    const expected = snapshot(reference, first);
    const faulted = join(root, 'faulted');
    let checked = 0;
    for (let k = 0; k < KILLS; k++) {
      const run = launch(['--results', faulted, 'start', '--port', String(18_602 + k)]);
      await Promise.race([sleep(300 + random() * seconds * 1000), run.ended]);
      run.child.kill('SIGKILL');
      await run.ended;
      checked += validateFolder(faulted, `start after kill ${k + 1}`);
    }
    await startUntilFirstJobs(faulted, 18_650);
    checked += validateFolder(faulted, 'start after the last rerun');
    const differ = compare('start', expected, snapshot(faulted, first));
    const temps = tempsIn(faulted);
    for (const t of temps) failures.push(`start: temp file left: ${t}`);
    console.log(
      `faults: start: ${KILLS} kills in its first ${seconds.toFixed(1)} s; ${checked} artifact checks; ` +
        `${expected.size} artifacts compared, ${differ} differ; ${temps.length} temp files left`,
    );

    // load, while the server computes the remaining paths
    const port = 18_700;
    const loaded = join(root, 'loaded');
    const run = launch(['--results', loaded, 'start', '--port', String(port)]);
    while ((await get(port, '/api/status')) !== '200') await sleep(200);
    await sleep(3000);
    const before = await jobsDone(port);
    const statuses = await Promise.all(Array.from({ length: 5000 }, () => get(port, '/api/status')));
    const streams: string[] = [];
    for (let wave = 0; wave < 20; wave++) {
      streams.push(...(await Promise.all(Array.from({ length: 500 }, () => get(port, '/api/events', 300)))));
    }
    const ordinary = await get(port, '/');
    await sleep(3000);
    const after = await jobsDone(port);
    run.child.kill('SIGINT');
    await run.ended;
    if (ordinary !== '200') failures.push(`load: the page answered ${ordinary} after the load`);
    if (!(after > before))
      failures.push(`load: the jobs did not move during the load (${before} → ${after})`);
    console.log(
      `faults: load: 5000 status requests (${tally(statuses)}); 10000 event streams in waves of 500 ` +
        `(${tally(streams)}); the page then answered ${ordinary}; job progress ${before} → ${after}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await campaign(
  'svm --all',
  (r) => ['--results', r, 'svm', '--all', '--per-class', '100'],
  (r) => r,
);
await campaign(
  'train lenet',
  (r) => [
    'train',
    'lenet',
    '--out',
    join(r, 'run'),
    '--epochs',
    '4',
    '--train-limit',
    '3000',
    '--threads',
    '2',
  ],
  (r) => join(r, 'run'),
);
await campaign(
  'local-linearity',
  (r) => [
    '--results',
    r,
    'nn',
    '--study',
    'local-linearity',
    '--per-class',
    '300',
    '--epochs',
    '8',
    '--weight-decays',
    '0,0.001,0.01,0.1',
    '--attack-images',
    '40',
    '--hidden',
    '32',
  ],
  (r) => r,
);
await startCampaign();
if (failures.length > 0) {
  console.log(`faults: ${failures.length} problems:\n  ${failures.slice(0, 30).join('\n  ')}`);
  process.exit(1);
}
console.log('faults: every check passed');
