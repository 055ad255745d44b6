// The server against a hostile web and hostile clients (loopback only, bounded counts): Host checks against
// DNS rebinding, security headers, the results whitelist, a listing that survives links and vanished folders,
// caps on progress streams and on connections per client address, 400 on bad escapes, 304 on unchanged files.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsStore } from '../../src/experiments/store.js';
import { hostAllowed, listArtifacts } from '../../src/server/guard.js';
import { createArticleServer, listen } from '../../src/server/server.js';
import { ask } from '../helpers/http.js';

describe('article server guards', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2angle-guard-'));
  const web = join(dir, 'web');
  const results = join(dir, 'results');
  const store = new ResultsStore(results);
  const server = createArticleServer({
    store,
    webRoot: web,
    limits: { maxEventClients: 2, maxConnectionsPerAddress: 4 },
  });
  let port = 0;

  beforeAll(async () => {
    mkdirSync(web, { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>l2angle</title>');
    mkdirSync(join(results, 'nn', 'lenet-low'), { recursive: true });
    mkdirSync(join(results, 'superseded', 'nn'), { recursive: true });
    mkdirSync(join(results, '.cache'), { recursive: true });
    writeFileSync(join(results, 'nn', 'lenet-low', 'metrics.json'), '{"ok":1}');
    writeFileSync(join(results, 'nn', 'lenet-low', 'checkpoint.l2net'), 'weights');
    writeFileSync(join(results, 'nn', 'sweep.partial.json'), '{"partial":1}');
    writeFileSync(join(results, 'nn', '.hidden.json'), '{"dot":1}');
    writeFileSync(join(results, '.cache', 'x.json'), '{"dot":1}');
    writeFileSync(join(results, 'superseded', 'nn', 'old.json'), '{"old":1}');
    writeFileSync(join(dir, 'outside.json'), '{"secret":1}');
    symlinkSync(join(dir, 'outside.json'), join(results, 'nn', 'link.json'));
    symlinkSync(results, join(results, 'nn', 'loop'));
    await listen(server, 0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 421 to a Host that is neither localhost nor an address (DNS rebinding)', async () => {
    expect((await ask(port, '/api/status', { host: 'attacker.example' })).status).toBe(421);
    expect(
      (await ask(port, '/results/nn/lenet-low/metrics.json', { host: `evil.test:${port}` })).status,
    ).toBe(421);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await ask(port, '/api/status', { host })).status, host).toBe(200);
    }
    expect(hostAllowed('my-box.lan:8080', 'my-box.lan')).toBe(true);
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false);
  });

  it('sends nosniff and a content security policy with every answer', async () => {
    for (const path of ['/', '/api/status', '/missing']) {
      const answer = await ask(port, path);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(String(answer.headers['content-security-policy']), path).toMatch(/default-src 'self'/);
    }
  });

  it('serves only listed artifacts: no dotfiles, checkpoints, partial files, superseded runs or links out', async () => {
    expect((await ask(port, '/results/nn/lenet-low/metrics.json')).status).toBe(200);
    for (const path of [
      '/results/nn/lenet-low/checkpoint.l2net',
      '/results/nn/sweep.partial.json',
      '/results/nn/.hidden.json',
      '/results/.cache/x.json',
      '/results/superseded/nn/old.json',
      '/results/nn/link.json',
      '/results/nn/loop/nn/lenet-low/metrics.json',
    ]) {
      expect((await ask(port, path)).status, path).toBe(404);
    }
    const status = JSON.parse((await ask(port, '/api/status')).body) as { results: string[] };
    expect(status.results).toEqual(['nn/lenet-low/metrics.json']);
  });

  it('serves a page whose own folder lies under a dot-folder (e.g. npx’s cache), refusing only dotfiles below it', async () => {
    const hiddenWeb = join(dir, '.npm', '_npx', 'web');
    mkdirSync(hiddenWeb, { recursive: true });
    writeFileSync(join(hiddenWeb, 'index.html'), '<!doctype html><title>cached</title>');
    writeFileSync(join(hiddenWeb, '.env'), 'SECRET=1');
    const other = createArticleServer({ store, webRoot: hiddenWeb });
    try {
      await listen(other, 0, '127.0.0.1');
      const otherPort = (other.address() as AddressInfo).port;
      expect((await ask(otherPort, '/')).status).toBe(200);
      expect((await ask(otherPort, '/.env')).status).toBe(404);
    } finally {
      other.close();
    }
  });

  it('lists a folder with a link loop, and a vanished folder, without throwing', () => {
    expect(listArtifacts(results)).toEqual(['nn/lenet-low/metrics.json']);
    expect(listArtifacts(join(dir, 'gone'))).toEqual([]);
    expect(listArtifacts(results, 2).length).toBeLessThanOrEqual(1);
  });

  it('answers 400 to a malformed % escape, with no internal detail', async () => {
    const answer = await ask(port, '/results/%E0%A4%A');
    expect(answer.status).toBe(400);
    expect(answer.body).not.toMatch(/URIError|decodeURIComponent|\//);
  });

  it('answers 304 to a file that has not changed since the ETag the client holds', async () => {
    const first = await ask(port, '/results/nn/lenet-low/metrics.json');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^".+"$/);
    const again = await ask(port, '/results/nn/lenet-low/metrics.json', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('caps the progress streams at the limit with 503', async () => {
    const open: Array<ReturnType<typeof httpRequest>> = [];
    const stream = () =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/api/events', agent: false }, (res) => {
          resolve(res.statusCode ?? 0);
          if (res.statusCode !== 200) res.resume();
        });
        req.on('error', (error) => {
          if (!String(error).includes('socket hang up')) reject(error);
        });
        req.end();
        open.push(req);
      });
    try {
      expect(await stream()).toBe(200);
      expect(await stream()).toBe(200);
      expect(await stream()).toBe(503);
    } finally {
      for (const req of open) req.destroy();
    }
  });

  it('closes connections past the per-address cap and keeps serving other addresses', async () => {
    // four slow clients from 127.0.0.2 that never finish their headers
    const slow: Socket[] = [];
    try {
      for (let k = 0; k < 4; k++) {
        const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
        slow.push(socket);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      // a fifth from the same address is closed at once
      await expect(ask(port, '/api/status', {}, '127.0.0.2')).rejects.toThrow();
      // while the reader's own address is served as usual
      expect((await ask(port, '/api/status')).status).toBe(200);
    } finally {
      for (const socket of slow) socket.destroy();
    }
  });

  it('prints a reachable URL for every kind of address', async () => {
    for (const [host, shown] of [
      ['0.0.0.0', 'localhost'],
      ['::', 'localhost'],
      ['::1', 'localhost'],
    ] as const) {
      const other = createArticleServer({ store, webRoot: web, host });
      try {
        const url = await listen(other, 0, host);
        expect(url, host).toMatch(new RegExp(`^http://${shown}:\\d+/$`));
      } finally {
        other.close();
      }
    }
  });
});
