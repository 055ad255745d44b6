#!/usr/bin/env node
// The queue tests start a real Redis (Debian's redis-server) on a free loopback port. Run before `npm test`:
// installs the `redis-server` package with apt when the binary is missing. Nothing else needs Redis.
import { existsSync } from 'node:fs';
import { aptInstall, canInstall } from './apt.mjs';

const REDIS = process.env.L2ANGLE_REDIS_SERVER ?? '/usr/bin/redis-server';

if (existsSync(REDIS)) process.exit(0);
if (process.env.L2ANGLE_SKIP_REDIS === '1') {
  console.log('ensure-redis: L2ANGLE_SKIP_REDIS=1, the queue tests will be skipped');
  process.exit(0);
}
if (!canInstall()) {
  console.error(
    `ensure-redis: ${REDIS} is missing and cannot be installed here (needs apt-get as root or sudo). ` +
      "Install Debian's redis-server package, or set L2ANGLE_REDIS_SERVER to a redis-server binary, " +
      'or L2ANGLE_SKIP_REDIS=1 to skip the queue tests.',
  );
  process.exit(1);
}
console.log("ensure-redis: installing Debian's redis-server for the queue tests (apt-get)…");
aptInstall(['redis-server']);
if (!existsSync(REDIS)) {
  console.error(`ensure-redis: apt installed redis-server but ${REDIS} is still missing`);
  process.exit(1);
}
