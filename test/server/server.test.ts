// The article server: static page, results, status and its event stream, path safety, port errors; and the
// static site writer.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import type { Job } from '../../src/experiments/job.js';
import { ResultsStore } from '../../src/experiments/store.js';
import { serverStatusSchema } from '../../src/schema/status.js';
import { JobRunner } from '../../src/server/job-runner.js';
import { createArticleServer, listen } from '../../src/server/server.js';
import { SITE_MARKER, writeSite } from '../../src/server/site.js';
import { ask } from '../helpers/http.js';

/** A job that counts to `steps` when released, writing a small JSON file as its artifact. */
function countingJob(id: string, steps: number, gate: Promise<void>): Job {
  const artifact = `test/${id}.json`;
  return {
    id,
    study: 'test',
    title: `counting to ${steps}`,
    artifacts: [artifact],
    isDone: (store) => existsSync(store.pathOf(artifact)),
    async run(store, progress) {
      await gate;
      for (let k = 0; k <= steps; k++) {
        progress(k, steps, `step ${k}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      mkdirSync(join(store.root, 'test'), { recursive: true });
      writeFileSync(store.pathOf(artifact), '{"done":true}');
    },
  };
}

/** GET with the raw path (no URL normalisation, so ../ reaches the server). */
const get = (port: number, path: string) => ask(port, path);

describe('article server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2angle-server-'));
  const web = join(dir, 'web');
  const results = join(dir, 'results');
  const store = new ResultsStore(results);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const runner = new JobRunner([countingJob('first', 20, gate)], store);
  const server = createArticleServer({ store, runner, webRoot: web });
  let port = 0;

  beforeAll(async () => {
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>l2angle</title>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    mkdirSync(join(results, 'svm'), { recursive: true });
    writeFileSync(join(results, 'svm', 'mnist-7-9-hinge.json'), '{"schema":"x"}');
    writeFileSync(join(results, 'svm', 'half.json.tmp-1-abcd'), '{');
    writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    await listen(server, 0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page, its assets and the results', async () => {
    const page = await get(port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect((await get(port, '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    const artifact = await get(port, '/results/svm/mnist-7-9-hinge.json');
    expect(artifact.status).toBe(200);
    expect(artifact.body).toBe('{"schema":"x"}');
  });

  it('never serves files outside its folders, nor half-written temp files', async () => {
    expect((await get(port, '/../secret.txt')).status).toBe(404);
    expect((await get(port, '/results/../secret.txt')).status).toBe(404);
    expect((await get(port, '/results/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get(port, '/results/svm/half.json.tmp-1-abcd')).status).toBe(404);
    expect((await get(port, '/nothing-here')).status).toBe(404);
  });

  it('reports the artifacts and the jobs, and streams progress while a job runs', async () => {
    const status = serverStatusSchema.parse(JSON.parse((await get(port, '/api/status')).body));
    expect(status.mode).toBe('live');
    expect(status.results).toEqual(['svm/mnist-7-9-hinge.json']);
    expect(status.jobs.map((j) => j.state)).toEqual(['waiting']);
    // the page reads status.json, as on a static site, and follows the events when the mode is live
    expect(JSON.parse((await get(port, '/status.json')).body)).toEqual(status);

    const events: string[] = [];
    const seen = new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          const parts = buffer.split('\n\n');
          buffer = parts.pop() ?? '';
          for (const part of parts) {
            const data = part.split('\n').find((line) => line.startsWith('data: '));
            if (data) events.push(data.slice(6));
          }
          const last =
            events.length > 0 ? serverStatusSchema.parse(JSON.parse(events[events.length - 1])) : undefined;
          if (last?.jobs[0].state === 'done') {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (error) => {
        if (!String(error).includes('socket hang up')) reject(error);
      });
      req.end();
    });
    const run = runner.run();
    release();
    await run;
    await seen;
    const parsed = events.map((e) => serverStatusSchema.parse(JSON.parse(e)));
    expect(parsed.some((s) => s.jobs[0].state === 'running' && s.jobs[0].total === 20)).toBe(true);
    const last = parsed[parsed.length - 1];
    expect(last.jobs[0].state).toBe('done');
    expect(last.results).toContain('test/first.json');
  });

  it('says clearly when the port is taken', async () => {
    const other = createArticleServer({ store, webRoot: web });
    await expect(listen(other, port, '127.0.0.1')).rejects.toThrow(InputError);
    await expect(listen(other, port, '127.0.0.1')).rejects.toThrow(`port ${port} on 127.0.0.1 is in use`);
  });

  it('writes a static site with the results and a status.json, and never replaces a folder it did not write', () => {
    const out = join(dir, 'site');
    const job = countingJob('first', 1, Promise.resolve());
    const summary = writeSite(out, web, store, [job]);
    expect(summary.results).toBe(2);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('l2angle');
    expect(readFileSync(join(out, 'results', 'svm', 'mnist-7-9-hinge.json'), 'utf8')).toBe('{"schema":"x"}');
    const status = serverStatusSchema.parse(JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')));
    expect(status.mode).toBe('static');
    expect(status.jobs[0].state).toBe('done');
    expect(existsSync(join(out, SITE_MARKER))).toBe(true);
    // again: replaces its own site
    writeSite(out, web, store, [job]);
    // a folder with the user's files is left alone
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.tex'), 'precious');
    expect(() => writeSite(mine, web, store, [job])).toThrow(UsageError);
    expect(readFileSync(join(mine, 'thesis.tex'), 'utf8')).toBe('precious');
    expect(() => writeSite(join(dir, 'x'), join(dir, 'no-web'), store, [job])).toThrow(/not built/);
  });
});
