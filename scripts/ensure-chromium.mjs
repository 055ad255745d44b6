#!/usr/bin/env node
// The browser tests drive Debian's chromium (Playwright's own browser download does not work offline).
// Run before `npm test`: installs the `chromium` package with apt when /usr/bin/chromium is missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.L2ANGLE_CHROMIUM ?? '/usr/bin/chromium';
// the package tool; its tests point this at a stand-in that records its calls
const APT_GET = process.env.L2ANGLE_APT_GET ?? '/usr/bin/apt-get';

if (existsSync(CHROMIUM)) process.exit(0);
if (process.env.L2ANGLE_SKIP_BROWSER === '1') {
  console.log('ensure-chromium: L2ANGLE_SKIP_BROWSER=1, the browser tests will be skipped');
  process.exit(0);
}
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const hasSudo = !root && existsSync('/usr/bin/sudo');
if (!existsSync(APT_GET) || (!root && !hasSudo)) {
  console.error(
    `ensure-chromium: ${CHROMIUM} is missing and cannot be installed here (needs apt-get as root or sudo). ` +
      "Install Debian's chromium package, or set L2ANGLE_CHROMIUM to a Chromium binary, " +
      'or L2ANGLE_SKIP_BROWSER=1 to skip the browser tests.',
  );
  process.exit(1);
}
const run = (args) => {
  const [command, rest] = root ? [APT_GET, args] : ['sudo', [APT_GET, ...args]];
  execFileSync(command, rest, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
};
console.log("ensure-chromium: installing Debian's chromium for the browser tests (apt-get)…");
try {
  run(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation']);
} catch {
  // a fresh container often has no package lists yet
  run(['update']);
  run(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation']);
}
if (!existsSync(CHROMIUM)) {
  console.error(`ensure-chromium: apt installed chromium but ${CHROMIUM} is still missing`);
  process.exit(1);
}
