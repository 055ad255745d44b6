// The article's local server: the built page (dist/web), the artifacts of the results folder under
// /results/, and the main job's progress on /api/status (also as /status.json, the name a static site uses)
// and as server-sent events on /api/events.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { InputError } from '../errors.js';
import type { ResultsStore } from '../experiments/store.js';
import { ARTIFACT_VERSION } from '../schema/artifacts.js';
import type { JobStatus, ServerStatus } from '../schema/status.js';
import type { JobRunner } from './job-runner.js';

/** The default port of `npm start` (PORT or --port override it). */
export const DEFAULT_PORT = 8080;

/** Loopback only unless asked: the server runs jobs and serves local files. */
export const DEFAULT_HOST = '127.0.0.1';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.map', '.txt']);

/** The folder holding package.json, found from this file (works from src/ under tsx and from dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('l2angle: cannot find the package root');
    dir = parent;
  }
  return dir;
}

/** Where `npm run build` puts the page. */
export function defaultWebRoot(): string {
  return join(packageRoot(), 'dist', 'web');
}

/** Every finished artifact in the results folder, relative and with forward slashes (temp files excluded). */
export function listResults(root: string): string[] {
  if (!existsSync(root)) return [];
  const entries = readdirSync(root, { recursive: true }) as string[];
  return entries
    .filter((entry) => entry.endsWith('.json') && !entry.includes('.tmp-'))
    .map((entry) => entry.split(sep).join('/'))
    .sort();
}

/** The status document of a live server. */
export function liveStatus(store: ResultsStore, jobs: JobStatus[]): ServerStatus {
  return {
    schema: 'l2angle/status',
    version: ARTIFACT_VERSION,
    mode: 'live',
    results: listResults(store.root),
    jobs,
  };
}

/** What the server needs: the results, the page, and optionally the jobs it reports on. */
export interface ServerOptions {
  store: ResultsStore;
  webRoot?: string;
  runner?: JobRunner;
}

/** Creates (does not start) the HTTP server. */
export function createArticleServer(options: ServerOptions): Server {
  const webRoot = resolve(options.webRoot ?? defaultWebRoot());
  const { store, runner } = options;
  const clients = new Set<ServerResponse>();
  const status = () => liveStatus(store, runner?.statuses() ?? []);
  const compressed = new Map<string, { mtimeMs: number; size: number; body: Buffer }>();

  // Progress can change many times a second: send at most one event per 200 ms, always the latest.
  let pending: NodeJS.Timeout | undefined;
  const broadcast = () => {
    if (pending || clients.size === 0) return;
    pending = setTimeout(() => {
      pending = undefined;
      const message = `event: status\ndata: ${JSON.stringify(status())}\n\n`;
      for (const client of clients) client.write(message);
    }, 200);
  };
  runner?.on('change', broadcast);
  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  const sendFile = (request: IncomingMessage, response: ServerResponse, path: string) => {
    const stats = statSync(path);
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    const gzip =
      COMPRESSIBLE.has(extname(path)) && /\bgzip\b/.test(String(request.headers['accept-encoding']));
    const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-cache' };
    let body: Buffer;
    if (gzip) {
      let cached = compressed.get(path);
      if (!cached || cached.mtimeMs !== stats.mtimeMs || cached.size !== stats.size) {
        cached = {
          mtimeMs: stats.mtimeMs,
          size: stats.size,
          body: gzipSync(readFileSync(path), { level: 6 }),
        };
        compressed.set(path, cached);
      }
      body = cached.body;
      headers['content-encoding'] = 'gzip';
      headers.vary = 'accept-encoding';
    } else {
      body = readFileSync(path);
    }
    headers['content-length'] = String(body.length);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  };

  const server = createHttpServer((request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const path = decodeURIComponent(url.pathname);
      // the page asks for status.json, as on a static site; `mode: live` tells it to follow /api/events
      if (path === '/api/status' || path === '/status.json') {
        const body = JSON.stringify(status());
        response.writeHead(200, { 'content-type': CONTENT_TYPES['.json'], 'cache-control': 'no-store' });
        response.end(body);
        return;
      }
      if (path === '/api/events') {
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        response.write(`retry: 2000\nevent: status\ndata: ${JSON.stringify(status())}\n\n`);
        clients.add(response);
        request.on('close', () => clients.delete(response));
        return;
      }
      const file = path.startsWith('/results/')
        ? inside(store.root, path.slice('/results/'.length))
        : inside(webRoot, path === '/' ? 'index.html' : path.slice(1));
      if (file && existsSync(file) && statSync(file).isFile() && !file.includes('.tmp-')) {
        sendFile(request, response, file);
        return;
      }
      if (path === '/' || path === '/index.html') {
        response.writeHead(503, { 'content-type': CONTENT_TYPES['.txt'] });
        response.end(`The page is not built (no ${webRoot}/index.html): run \`npm run build\`.\n`);
        return;
      }
      response.writeHead(404, { 'content-type': CONTENT_TYPES['.txt'] });
      response.end(`not found: ${path}\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': CONTENT_TYPES['.txt'] });
      response.end(`server error: ${message}\n`);
    }
  });
  server.on('close', () => {
    clearInterval(heartbeat);
    if (pending) clearTimeout(pending);
    for (const client of clients) client.end();
  });
  return server;
}

/** `relativePath` resolved under `root`, or undefined when it would leave it (../, absolute paths). */
function inside(root: string, relativePath: string): string | undefined {
  const target = resolve(root, normalize(relativePath));
  const rel = relative(root, target);
  if (rel === '' || rel.startsWith('..') || resolve(root, rel) !== target) return undefined;
  return target;
}

/** Starts listening; a port already in use is a clear one-line error naming it and the way out. */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new InputError(
            `port ${port} on ${host} is in use (another l2angle server?): stop it or choose another port with PORT=… or --port`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(new InputError(`port ${port} on ${host}: permission denied; choose a port above 1023`));
      } else reject(error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const shown = host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' ? 'localhost' : host;
      resolvePromise(`http://${shown}:${actual}/`);
    });
  });
}
