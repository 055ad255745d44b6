// A real Redis for the queue tests: Debian's redis-server (installed by `npm test`'s setup when missing) on a
// free loopback port, without persistence, stopped after the tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** The redis-server binary, or undefined when the queue tests are to be skipped. */
export function redisServerBinary(): string | undefined {
  const path = process.env.L2ANGLE_REDIS_SERVER ?? '/usr/bin/redis-server';
  if (existsSync(path)) return path;
  if (process.env.L2ANGLE_SKIP_REDIS === '1') return undefined;
  throw new Error(
    `${path} is missing: run \`node scripts/ensure-redis.mjs\` (npm test does) or set L2ANGLE_SKIP_REDIS=1`,
  );
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running Redis: its URL and how to stop it. */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts redis-server on a free loopback port and waits until it answers. */
export async function startRedis(binary: string): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  for (let tries = 0; ; tries++) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch {
      if (tries > 50) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  client.disconnect();
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
