#!/usr/bin/env node
// Fashion-MNIST comes from Debian's dataset-fashion-mnist (idx .gz under /usr/share/datasets/fashion-mnist).
// Run before `npm test`, and by `npm start -- --dataset fashion-mnist`: installs the package with apt when the
// files are missing, and says how when it cannot.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, canInstall } from './apt.mjs';

const DIR = process.env.L2ANGLE_FASHION_DIR ?? '/usr/share/datasets/fashion-mnist';
const present = () =>
  existsSync(join(DIR, 'train-images-idx3-ubyte.gz')) || existsSync(join(DIR, 'train-images-idx3-ubyte'));

if (present()) process.exit(0);
if (process.env.L2ANGLE_SKIP_FASHION === '1') {
  console.log('ensure-fashion: L2ANGLE_SKIP_FASHION=1, the Fashion-MNIST tests will be skipped');
  process.exit(0);
}
if (!canInstall()) {
  console.error(
    `ensure-fashion: Fashion-MNIST is not in ${DIR} and cannot be installed here (needs apt-get as root or ` +
      "sudo). Install Debian's dataset-fashion-mnist package, or give the idx files with --train-images/" +
      '--train-labels/--test-images/--test-labels, or set L2ANGLE_SKIP_FASHION=1 to skip its tests.',
  );
  process.exit(1);
}
console.log("ensure-fashion: installing Debian's dataset-fashion-mnist (apt-get)…");
aptInstall(['dataset-fashion-mnist']);
if (!present()) {
  console.error(`ensure-fashion: apt installed dataset-fashion-mnist but ${DIR} still has no idx files`);
  process.exit(1);
}
