// The article's local server: the built page (dist/web), the artifacts of the results folder under
// /results/, and the main job's progress on /api/status (also as /status.json, the name a static site uses)
// and as server-sent events on /api/events.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { dirname, extname, join, normalize, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import sirv from 'sirv';
import { InputError } from '../errors.js';
import type { ResultsStore } from '../experiments/store.js';
import { ARTIFACT_VERSION } from '../schema/artifacts.js';
import type { ServerStatus } from '../schema/status.js';
import {
  DEFAULT_LIMITS,
  hostAllowed,
  isWildcardHost,
  limitConnections,
  listArtifacts,
  SECURITY_HEADERS,
  type ServerLimits,
} from './guard.js';
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

/** Every finished artifact in the results folder, relative and with forward slashes (see listArtifacts). */
export function listResults(root: string): string[] {
  return existsSync(root) ? listArtifacts(root) : [];
}

/** What the server needs: the results, the page, and optionally the jobs it reports on. */
export interface ServerOptions {
  store: ResultsStore;
  webRoot?: string;
  runner?: JobRunner;
  /** the address it is bound to (default DEFAULT_HOST): requests must name it, localhost or an IP */
  host?: string;
  limits?: Partial<ServerLimits>;
}

/** Creates (does not start) the HTTP server. */
export function createArticleServer(options: ServerOptions): Server {
  const webRoot = resolve(options.webRoot ?? defaultWebRoot());
  const { store, runner } = options;
  const host = options.host ?? DEFAULT_HOST;
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const clients = new Set<ServerResponse>();
  // the listing is the whitelist of /results/ too: walked at most every 500 ms, whatever the request rate
  let listed: { at: number; results: string[] } | undefined;
  const results = () => {
    const now = Date.now();
    if (!listed || now - listed.at > 500) listed = { at: now, results: listResults(store.root) };
    return listed.results;
  };
  const status = (): ServerStatus => ({
    schema: 'l2angle/status',
    version: ARTIFACT_VERSION,
    mode: 'live',
    results: results(),
    jobs: runner?.statuses() ?? [],
  });
  const compressed = new Map<string, { mtimeMs: number; size: number; body: Buffer }>();

  // Progress can change many times a second: send at most one event per 200 ms, always the latest.
  let pending: NodeJS.Timeout | undefined;
  const broadcast = () => {
    if (pending || clients.size === 0) return;
    pending = setTimeout(() => {
      pending = undefined;
      const message = `event: status\ndata: ${JSON.stringify(status())}\n\n`;
      for (const client of clients) send(client, message);
    }, 200);
  };
  // a client that does not read keeps its backlog in our memory: past the limit it is dropped
  const send = (client: ServerResponse, message: string) => {
    if (client.writableLength > limits.maxEventBacklog) {
      clients.delete(client);
      client.destroy();
      return;
    }
    client.write(message);
  };
  runner?.on('change', (job: { state: string }) => {
    // a job that ends has written (or failed to write) its artifacts: list the folder afresh
    if (job.state !== 'running') listed = undefined;
    broadcast();
  });
  const heartbeat = setInterval(() => {
    for (const client of clients) send(client, ': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  // the page: a well-kept static-file server (sirv, which Vite uses), made again when the page is rebuilt
  let page: { builtAt: number; handler: ReturnType<typeof sirv> } | undefined;
  const pageHandler = () => {
    const index = join(webRoot, 'index.html');
    if (!existsSync(index)) return undefined;
    const builtAt = statSync(index).mtimeMs;
    if (page?.builtAt !== builtAt) {
      page = {
        builtAt,
        handler: sirv(webRoot, {
          etag: true,
          // the build writes .gz copies next to the text files
          gzip: true,
          dotfiles: false,
          // revalidated on every load, answered 304 while unchanged
          setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
        }),
      };
    }
    return page.handler;
  };

  // the artifacts: our own whitelist, then sent gzipped (a path is ~2.4 MB of JSON) with an ETag
  const sendArtifact = (request: IncomingMessage, response: ServerResponse, path: string) => {
    const stats = statSync(path);
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    const gzip =
      COMPRESSIBLE.has(extname(path)) && /\bgzip\b/.test(String(request.headers['accept-encoding']));
    // revalidated on every load (no-cache), answered 304 while the file is unchanged
    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}${gzip ? '-gz' : ''}"`;
    const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-cache', etag };
    if (gzip) headers.vary = 'accept-encoding';
    const known = String(request.headers['if-none-match'] ?? '')
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''));
    if (known.includes(etag)) {
      response.writeHead(304, headers).end();
      return;
    }
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
    } else {
      body = readFileSync(path);
    }
    headers['content-length'] = String(body.length);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  };

  const server = createHttpServer((request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const plain = (code: number, text: string, extra: Record<string, string> = {}) => {
      response.writeHead(code, { 'content-type': CONTENT_TYPES['.txt'], ...extra });
      response.end(`${text}\n`);
    };
    try {
      // a page of another site that rebinds its own name to 127.0.0.1 sends that name as Host
      if (!hostAllowed(request.headers.host, host)) {
        plain(421, 'misdirected request: this server answers to localhost and its own address only');
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const url = new URL(request.url ?? '/', 'http://localhost');
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        plain(400, 'bad request: the path has a malformed % escape');
        return;
      }
      // the page asks for status.json, as on a static site; `mode: live` tells it to follow /api/events
      if (path === '/api/status' || path === '/status.json') {
        const body = JSON.stringify(status());
        response.writeHead(200, { 'content-type': CONTENT_TYPES['.json'], 'cache-control': 'no-store' });
        response.end(body);
        return;
      }
      if (path === '/api/events') {
        if (clients.size >= limits.maxEventClients) {
          plain(503, 'too many progress streams open; try again later', { 'retry-after': '5' });
          return;
        }
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
      const relativePath = path === '/' ? 'index.html' : path.slice(1);
      // dotfiles and temp files are never served (judged inside the served folder, wherever that lives)
      if (hidden(relativePath)) {
        plain(404, 'not found');
        return;
      }
      if (path.startsWith('/results/')) {
        const file = artifactFile(store.root, path.slice('/results/'.length), results());
        if (file && existsSync(file) && statSync(file).isFile()) sendArtifact(request, response, file);
        else plain(404, 'not found');
        return;
      }
      const handler = pageHandler();
      if (!handler) {
        plain(
          path === '/' || path === '/index.html' ? 503 : 404,
          'The page is not built: run `npm run build`.',
        );
        return;
      }
      handler(request, response, () => plain(404, 'not found'));
    } catch (error) {
      // the reader gets no internal detail (messages name paths); the terminal does
      process.stderr.write(
        `l2angle server: ${request.url}: ${error instanceof Error ? error.message : error}\n`,
      );
      if (!response.headersSent) plain(500, 'internal server error');
      else response.destroy();
    }
  });
  limitConnections(server, limits);
  server.on('close', () => {
    clearInterval(heartbeat);
    if (pending) clearTimeout(pending);
    for (const client of clients) client.end();
  });
  return server;
}

/** Whether a path below a served folder names a dotfile, a dot-folder or a temp file. */
function hidden(relativePath: string): boolean {
  return relativePath.includes('.tmp-') || /(^|[\\/])\./.test(relativePath);
}

/**
 * A results file the listing knows as an artifact, whose real path (links resolved) is inside the real
 * results folder; undefined otherwise.
 */
function artifactFile(root: string, relativePath: string, known: readonly string[]): string | undefined {
  if (!known.includes(relativePath)) return undefined;
  const file = inside(root, relativePath);
  if (!file) return undefined;
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(file);
    return inside(realRoot, relative(realRoot, real)) === real ? real : undefined;
  } catch {
    return undefined;
  }
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
      const shown =
        host === '127.0.0.1' || host === '::1' || isWildcardHost(host)
          ? 'localhost'
          : host.includes(':') && !host.startsWith('[')
            ? `[${host}]`
            : host;
      resolvePromise(`http://${shown}:${actual}/`);
    });
  });
}
