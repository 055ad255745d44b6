// Installs Debian packages that the tests need (chromium for the browser tests, redis-server for the queue
// tests) with apt-get, as root or through sudo; a fresh container without package lists gets them first.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The package tool; its tests point this at a stand-in that records its calls. */
export const APT_GET = process.env.L2ANGLE_APT_GET ?? '/usr/bin/apt-get';

/** Whether apt-get can be run here (as root, or with sudo). */
export function canInstall() {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return existsSync(APT_GET) && (root || existsSync('/usr/bin/sudo'));
}

/** `apt-get install` of the packages (after `apt-get update` when the first try fails). */
export function aptInstall(packages) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const run = (args) => {
    const [command, rest] = root ? [APT_GET, args] : ['sudo', [APT_GET, ...args]];
    execFileSync(command, rest, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  };
  try {
    run(['install', '-y', '--no-install-recommends', ...packages]);
  } catch {
    run(['update']);
    run(['install', '-y', '--no-install-recommends', ...packages]);
  }
}
