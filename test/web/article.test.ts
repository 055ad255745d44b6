// The article in a real browser (Debian's chromium driven by playwright-core) against the real server, with
// small artifacts computed by our code at test time: every figure renders, each slider changes its figure,
// a URL restores a view, progress shows while a job runs, and the console stays clean. Screenshots of every
// figure go to test-output/screenshots/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { selectPair } from '../../src/data/pairs.js';
import { fashionMnistFiles, mnistFiles } from '../../src/data/sources.js';
import { adversarialStudy } from '../../src/experiments/adversarial.js';
import { computeEarlyStopping } from '../../src/experiments/early-stopping.js';
import type { Job } from '../../src/experiments/job.js';
import { loadLenet } from '../../src/experiments/lenet-network.js';
import { ARTICLE_LENETS, lenetFilterSets, lenetStudy } from '../../src/experiments/lenet-study.js';
import { LENET_DEFAULTS, trainLenet } from '../../src/experiments/lenet-training.js';
import { runLocalLinearity } from '../../src/experiments/local-linearity.js';
import { logitScale } from '../../src/experiments/logit-scale.js';
import { computeRobust } from '../../src/experiments/robust.js';
import { ResultsStore } from '../../src/experiments/store.js';
import { computeSvmPath } from '../../src/experiments/svm-run.js';
import { sweptLenet } from '../../src/experiments/sweep/lenet-summary.js';
import { toySweep } from '../../src/experiments/toy.js';
import { loadKernels } from '../../src/nn/kernels.js';
import { svmPathFile } from '../../src/schema/artifacts.js';
import type { DatasetName } from '../../src/schema/datasets.js';
import { earlyStoppingFile } from '../../src/schema/early-stopping.js';
import { type LenetSweep, lenetSweepFile } from '../../src/schema/lenet-sweep.js';
import { localLinearityFile } from '../../src/schema/nn-artifacts.js';
import { robustFile } from '../../src/schema/robust.js';
import { toyFitFile } from '../../src/schema/toy.js';
import { lenetAdversarialFile, lenetRunFolder, lenetStudyFile } from '../../src/schema/training.js';
import { ARTIFACT_VERSION } from '../../src/schema/version.js';
import { JobRunner } from '../../src/server/job-runner.js';
import { createArticleServer, defaultWebRoot, listen } from '../../src/server/server.js';
import { writeSite } from '../../src/server/site.js';
import { FIGURES as FIGURE_LIST, type FigureEntry } from '../../web/figure-list.js';

const CHROMIUM = process.env.L2ANGLE_CHROMIUM ?? '/usr/bin/chromium';
const bin = new URL('../../bin/l2angle.js', import.meta.url).pathname;
const SKIP = process.env.L2ANGLE_SKIP_BROWSER === '1';
const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
/** The name `--train-images …` files get (custom-<hash>): the dataset switch must find it by its results. */
const CUSTOM = 'custom-0123456789ab';

/** Figures that must draw (an svg or a canvas) from the small artifacts computed at test time: all of them. */
const FIGURES = FIGURE_LIST.map((f) => f.name);

/**
 * The article's two LeNets trained 2 epochs on 500 images of a dataset, their comparison and 10-image
 * adversarial studies, by the same code as the real ones, in the dataset's folders; returns them as the
 * entries of a swept grid.
 */
async function smallLenets(
  data: ReturnType<typeof loadDataset>,
  dataset: DatasetName,
  store: ResultsStore,
): Promise<LenetSweep['networks']> {
  const small = { ...data, test: { ...data.test, count: 300 } };
  const swept: LenetSweep['networks'] = [];
  for (const which of ARTICLE_LENETS) {
    const folder = lenetRunFolder(which.key, 0, dataset);
    await trainLenet({
      data: small,
      settings: {
        seed: 0,
        weightDecay: which.weightDecay,
        convention: 'matconvnet',
        learningRate: LENET_DEFAULTS.learningRate,
        momentum: LENET_DEFAULTS.momentum,
        batchSize: 100,
        trainLimit: 500,
      },
      epochs: 2,
      threads: 2,
      dir: store.pathOf(folder),
    });
    const net = loadLenet(store.pathOf(folder));
    const adversarial = await adversarialStudy(net.network, which.name, net.mean, small.test, {
      dataset,
      seed: 0,
      studyImages: 10,
      maxSteps: 40,
    });
    const file = lenetAdversarialFile(which, 0, dataset);
    store.write('l2angle/adversarial', file, adversarial);
    const metrics = store.read('l2angle/lenet-training', `${folder}/metrics.json`);
    if (!metrics) throw new Error('the small LeNet has no training record');
    swept.push(
      sweptLenet(
        `lenet-test-${which.key}`,
        { weightDecay: which.weightDecay, seed: 0, epochs: 2, trainLimit: 500 },
        metrics,
        logitScale(net, which.name, dataset, small.test, 100),
        adversarial,
        { filters: lenetFilterSets(net), adversarialFile: file },
      ),
    );
  }
  store.write('l2angle/lenet-study', lenetStudyFile(dataset), lenetStudy(store, 2, dataset));
  return swept;
}

/**
 * Small versions of the network studies, by the same code as the real ones: a 3-network local-linearity
 * sweep and the small LeNets, also summed up as a swept grid of two weight decays (for "Beyond the article").
 */
async function smallNetworkArtifacts(
  data: ReturnType<typeof loadDataset>,
  store: ResultsStore,
): Promise<void> {
  store.write('l2angle/toy-fit', toyFitFile(), toySweep());
  await runLocalLinearity(
    selectPair(data, 7, 9, 100),
    'mnist',
    loadKernels(),
    store,
    localLinearityFile('mnist', 7, 9),
    { hidden: 12, weightDecays: [0, 0.03, 0.3], epochs: 4, attackImages: 10, filters: 4 },
  );
  const swept = await smallLenets(data, 'mnist', store);
  store.write('l2angle/lenet-sweep', lenetSweepFile('mnist'), {
    schema: 'l2angle/lenet-sweep',
    version: ARTIFACT_VERSION,
    dataset: 'mnist',
    createdAt: new Date().toISOString(),
    networks: swept,
  });
}

/** A job that stays running until released, so the page has progress to show. */
function slowJob(gate: Promise<void>): Job {
  return {
    id: 'test:slow',
    title: 'a slow test computation',
    study: 'test',
    artifacts: ['test/slow.json'],
    isDone: () => false,
    async run(_store, progress) {
      progress(3, 10, 'step 3 of 10');
      await gate;
    },
  };
}

describe.skipIf(SKIP)('the article in chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2angle-web-'));
  const store = new ResultsStore(dir);
  let server: Server;
  let browser: Browser;
  let page: Page;
  let base = '';
  const errors: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let running: Promise<void>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run node scripts/ensure-chromium.mjs`);
    if (!existsSync(join(defaultWebRoot(), 'index.html')))
      throw new Error('the page is not built: npm run build');
    const data = loadDataset(mnistFiles(), 'mnist');
    for (const [i, j] of [
      [7, 9],
      [0, 1],
    ] as const) {
      const { artifact } = computeSvmPath(selectPair(data, i, j, 200), 'mnist', 'hinge', {
        rows: 28,
        cols: 28,
      });
      store.write('l2angle/svm-path', svmPathFile('mnist', i, j, 'hinge'), artifact);
    }
    await smallNetworkArtifacts(data, store);
    // beyond the article, linear models: small versions by the same code
    const [robust] = await computeRobust(
      selectPair(data, 7, 9, 100),
      'mnist',
      'hinge',
      [1e-6],
      [0, 0.25, 0.5, 1, 1.5, 2],
    );
    store.write('l2angle/robust', robustFile('mnist', 7, 9, 'hinge', 1e-6), robust);
    // another pair, as `l2angle robust --pair 0,1` would leave it: the figure's pair toggle must offer it
    const [other] = await computeRobust(selectPair(data, 0, 1, 60), 'mnist', 'hinge', [1e-6], [0, 0.5, 1]);
    store.write('l2angle/robust', robustFile('mnist', 0, 1, 'hinge', 1e-6), other);
    const descent = await computeEarlyStopping(
      selectPair(data, 0, 1, 60),
      'mnist',
      500,
      join(dir, 'es.partial.json'),
    );
    store.write('l2angle/early-stopping', earlyStoppingFile('mnist', 0, 1), descent);
    // one Fashion-MNIST path, for the dataset switch
    const fashion = loadDataset(fashionMnistFiles(), 'fashion-mnist');
    const { artifact: fashionPath } = computeSvmPath(
      selectPair(fashion, 7, 9, 200),
      'fashion-mnist',
      'hinge',
      {
        rows: 28,
        cols: 28,
      },
    );
    store.write('l2angle/svm-path', svmPathFile('fashion-mnist', 7, 9, 'hinge'), fashionPath);
    // and its LeNets, for the LeNet figures' switch
    await smallLenets(fashion, 'fashion-mnist', store);
    // a user's own idx files (here MNIST's, under the name a custom dataset gets), for the switch's discovery
    const { artifact: customPath } = computeSvmPath(selectPair(data, 7, 9, 60), CUSTOM, 'hinge', {
      rows: 28,
      cols: 28,
    });
    store.write('l2angle/svm-path', svmPathFile(CUSTOM, 7, 9, 'hinge'), customPath);
    // a small sweep by the CLI (built by npm test), for the sweeps' table
    const sweep = spawnSync(
      process.execPath,
      [
        bin,
        '--results',
        store.root,
        'sweep',
        '--study',
        'svm',
        '--pairs',
        '7-9,0-1',
        '--loss',
        'hinge',
        '--per-class',
        '40',
      ],
      { encoding: 'utf8' },
    );
    if (sweep.status !== 0) throw new Error(`the small sweep failed: ${sweep.stderr}`);
    const runner = new JobRunner([slowJob(gate)], store);
    server = createArticleServer({ store, runner });
    await listen(server, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    running = runner.run();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    mkdirSync(SHOTS, { recursive: true });
    await page.goto(base, { waitUntil: 'networkidle' });
  }, 180_000);

  afterAll(async () => {
    release?.();
    await running;
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const figure = (name: string) => page.locator(`[data-figure="${name}"]`).first();

  /** Clicks Fashion-MNIST in a dataset switch: the URL must say so and the figure's first chart redraw. */
  const switchesDataset = async (drawn: ReturnType<Page['locator']>, control: string) => {
    const before = await drawn.locator('svg').first().innerHTML();
    await page.locator(`[data-control="${control}"] button[data-value="fashion-mnist"]`).click();
    await expect
      .poll(() => page.evaluate(() => location.hash), { timeout: 5_000 })
      .toContain('data=fashion-mnist');
    await expect
      .poll(
        async () =>
          (await drawn.locator('svg').count()) > 0 ? drawn.locator('svg').first().innerHTML() : before,
        { timeout: 20_000 },
      )
      .not.toBe(before);
  };

  it('renders every figure non-empty, and saves a screenshot of each', async () => {
    for (const name of FIGURES) {
      const element = figure(name);
      await element.scrollIntoViewIfNeeded();
      // figures draw when their data has arrived (and some only once scrolled into view)
      const entry: FigureEntry | undefined = FIGURE_LIST.find((f) => f.name === name);
      const drawing = entry?.draws === 'table' ? 'table' : 'svg, canvas';
      await page.waitForFunction(
        ([n, selector]) => {
          const el = document.querySelector(`[data-figure="${n}"]`);
          return el !== null && el.querySelectorAll(selector).length > 0;
        },
        [name, drawing] as const,
        { timeout: 20_000 },
      );
      const drawn = await element.evaluate((el, selector) => el.querySelectorAll(selector).length, drawing);
      expect(drawn, name).toBeGreaterThan(0);
      await element.screenshot({ path: join(SHOTS, `${name}.png`) });
    }
  });

  it('writes the LeNet comparison from the artifacts, not from the article', async () => {
    for (const key of ['lenet-training', 'lenet-attack']) {
      const paragraph = page.locator(`[data-prose="${key}"]`);
      await paragraph.scrollIntoViewIfNeeded();
      await expect.poll(() => paragraph.getAttribute('class'), { timeout: 20_000 }).toContain('filled');
    }
    const training = (await page.locator('[data-prose="lenet-training"]').textContent()) ?? '';
    // the small networks' own numbers, a verdict either way, and the article's claim set against them
    expect(training).toMatch(/LeNet_high ends with (a lower|a higher|the same) test error/);
    expect(training).toMatch(/The article also finds|Here we disagree with the article/);
    expect(training).toMatch(/spread between seeds/);
    const attack = (await page.locator('[data-prose="lenet-attack"]').textContent()) ?? '';
    expect(attack).toMatch(/The article's ten perturbations measure 0\.81–2\.37 \(LeNet_low\)/);
    await page.locator('[data-prose="lenet-attack"]').screenshot({ path: join(SHOTS, 'lenet-prose.png') });
  });

  it('gives every picture and chart a text alternative', async () => {
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-figure] canvas, [data-figure] svg'))
        .filter((el) => !el.closest('[aria-hidden="true"]'))
        .filter((el) => !(el.getAttribute('aria-label') ?? '').trim() && !el.querySelector('title'))
        .map((el) => `${el.closest('[data-figure]')?.getAttribute('data-figure')} ${el.tagName}`),
    );
    expect(unlabelled).toEqual([]);
  });

  it('shows progress while a job runs', async () => {
    const panel = figure('progress');
    await expect.poll(() => panel.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await panel.textContent()).toContain('a slow test computation');
    await panel.screenshot({ path: join(SHOTS, 'progress.png') });
  });

  it('changes each figure when its slider moves', async () => {
    const cases: Array<[control: string, figure: string]> = [
      ['theta', 'toy-boundary'],
      ['toy-lambda', 'toy-fit'],
      ['norm-w', 'scaled-loss'],
      ['mnist-lambda', 'mnist'],
      ['epsilon', 'robust'],
    ];
    for (const [control, name] of cases) {
      const slider = page.locator(`[data-control="${control}"]`).first();
      await slider.scrollIntoViewIfNeeded();
      const before = await figure(name).innerHTML();
      await slider.focus();
      for (let k = 0; k < 8; k++)
        await page.keyboard.press(control === 'mnist-lambda' ? 'ArrowLeft' : 'ArrowRight');
      await page.waitForTimeout(300);
      expect(await figure(name).innerHTML(), `${control} → ${name}`).not.toBe(before);
    }
  });

  it('restores a view from its URL', async () => {
    // a fresh page, so the view comes from the URL alone
    await page.goto('about:blank');
    await page.goto(`${base}#pair=0-1&loss=hinge&c=30`, { waitUntil: 'networkidle' });
    const slider = page.locator('[data-control="mnist-lambda"]').first();
    await expect.poll(() => slider.inputValue(), { timeout: 20_000 }).toBe('30');
    await expect
      .poll(() => page.locator('[data-pair="0-1"]').first().getAttribute('aria-pressed'), { timeout: 20_000 })
      .toBe('true');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, 'phone.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
  });

  it('switches every pair figure to another dataset, and keeps the choice through a reload', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#pair=7-9&loss=hinge&c=80`, { waitUntil: 'networkidle' });
    // the section draws when it comes near the screen; its sub-figures appear with the path
    const section = page.locator('[data-figure="mnist"]').first();
    await section.scrollIntoViewIfNeeded();
    const plane = page.locator('[data-figure="tilting-plane"]').first();
    await expect.poll(() => plane.locator('svg').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await switchesDataset(plane, 'mnist-dataset');
    const title = await page.locator('[data-pair="7-9"]').first().getAttribute('title');
    expect(title).toBe('sneaker vs ankle boot');
    await page.reload({ waitUntil: 'networkidle' });
    await expect
      .poll(
        () =>
          page
            .locator('[data-control="mnist-dataset"] button[data-value="fashion-mnist"]')
            .getAttribute('aria-pressed'),
        { timeout: 20_000 },
      )
      .toBe('true');
    await section.scrollIntoViewIfNeeded();
    await expect.poll(() => plane.locator('svg').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page
      .locator('[data-figure="mnist"]')
      .first()
      .screenshot({ path: join(SHOTS, 'fashion-mnist.png') });
  });

  it('switches the LeNet figures and their prose to another dataset, the choice in the URL', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#data=mnist`, { waitUntil: 'networkidle' });
    const lenet = figure('lenet');
    const examples = figure('adversarial-examples');
    const training = page.locator('[data-prose="lenet-training"]');
    await lenet.scrollIntoViewIfNeeded();
    await expect.poll(() => lenet.locator('svg').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => training.getAttribute('class'), { timeout: 20_000 }).toContain('filled');
    expect((await training.textContent()) ?? '').toMatch(/article/);
    // the curves, the heading and both paragraphs are Fashion-MNIST's then
    await switchesDataset(lenet, 'lenet-dataset');
    await expect
      .poll(() => page.locator('#lenet-title').textContent(), { timeout: 20_000 })
      .toBe('LeNet on Fashion-MNIST');
    await expect.poll(() => training.textContent(), { timeout: 20_000 }).toMatch(/^On Fashion-MNIST/);
    expect(await page.locator('[data-prose="lenet-attack"]').textContent()).toMatch(/^On Fashion-MNIST/);
    await examples.scrollIntoViewIfNeeded();
    await expect.poll(() => examples.locator('canvas').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // the pair figures' switch follows the same state
    expect(
      await page
        .locator('[data-control="mnist-dataset"] button[data-value="fashion-mnist"]')
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await page.locator('#lenet').screenshot({ path: join(SHOTS, 'lenet-fashion-mnist.png') });
    await page.reload({ waitUntil: 'networkidle' });
    await lenet.scrollIntoViewIfNeeded();
    await expect.poll(() => training.textContent(), { timeout: 20_000 }).toMatch(/^On Fashion-MNIST/);
    expect(
      await page
        .locator('[data-control="lenet-dataset"] button[data-value="fashion-mnist"]')
        .getAttribute('aria-pressed'),
    ).toBe('true');
  });

  it('animates the tilting plane when λ changes, and ends on the picture of a direct load', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#pair=7-9&loss=hinge&c=80`, { waitUntil: 'networkidle' });
    await page.locator('[data-figure="mnist"]').first().scrollIntoViewIfNeeded();
    const plane = page.locator('[data-figure="tilting-plane"]').first();
    const dots = plane.locator('path.scatter.class-i').first();
    await expect.poll(() => dots.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const before = await dots.getAttribute('d');
    const move = (value: string) =>
      page
        .locator('[data-control="mnist-lambda"]')
        .first()
        .evaluate((el, v) => {
          const input = el as HTMLInputElement;
          input.value = v;
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }, value);
    await move('40');
    // mid-way the images are neither where they were nor where they go
    await expect.poll(() => plane.locator('svg[data-animating="true"]').count(), { timeout: 2_000 }).toBe(1);
    await page.waitForTimeout(150);
    const during = await dots.getAttribute('d');
    await expect.poll(() => plane.locator('svg[data-animating="true"]').count(), { timeout: 5_000 }).toBe(0);
    const after = await dots.getAttribute('d');
    expect(during).not.toBe(before);
    expect(during).not.toBe(after);
    await page.waitForTimeout(300);
    const url = page.url();
    expect(url).toContain('c=40');
    await page.goto('about:blank');
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.locator('[data-figure="mnist"]').first().scrollIntoViewIfNeeded();
    await expect.poll(() => dots.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await dots.getAttribute('d')).toBe(after);
    // with reduced motion the plane jumps
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await move('20');
    expect(await plane.locator('svg[data-animating="true"]').count()).toBe(0);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('writes the linear section’s paragraphs from the artifacts', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#rloss=hinge&rlambda=0.000001&eps=1`, { waitUntil: 'networkidle' });
    for (const key of ['robust', 'early-stopping', 'certified']) {
      const paragraph = page.locator(`[data-prose="${key}"]`);
      await paragraph.scrollIntoViewIfNeeded();
      await expect.poll(() => paragraph.getAttribute('class'), { timeout: 20_000 }).toContain('filled');
    }
    const robust = (await page.locator('[data-prose="robust"]').textContent()) ?? '';
    expect(robust).toMatch(/the two families are one/);
    expect(await page.locator('[data-control="epsilon"]').first().inputValue()).toBe('1');
    expect(await page.locator('[data-figure="robust"] .figure-note').first().textContent()).toMatch(
      /At ε = 1:/,
    );
    const other = page.locator('[data-control="robust-pair"] button[data-value="0-1"]');
    await expect.poll(() => other.count(), { timeout: 20_000 }).toBe(1);
    await other.click();
    await expect.poll(() => page.evaluate(() => location.hash), { timeout: 5_000 }).toContain('rpair=0-1');
    await expect
      .poll(() => page.locator('[data-figure="robust"] .figure-note').nth(1).textContent(), {
        timeout: 20_000,
      })
      .toMatch(/^0 vs 1/);
    const certified = (await page.locator('[data-prose="certified"]').textContent()) ?? '';
    expect(certified).toMatch(/\(0 exceptions\)/);
    await page.locator('#beyond-linear').screenshot({ path: join(SHOTS, 'beyond-linear.png') });
  });

  it('offers a dataset of the user’s own in the switch once its results exist', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#pair=7-9&loss=hinge&c=80&data=mnist`, { waitUntil: 'networkidle' });
    await page.locator('[data-figure="mnist"]').first().scrollIntoViewIfNeeded();
    const button = page.locator(`[data-control="mnist-dataset"] button[data-value="${CUSTOM}"]`);
    await expect.poll(() => button.count(), { timeout: 20_000 }).toBe(1);
    expect(await button.textContent()).toBe(`your idx files (${CUSTOM})`);
    await button.click();
    await expect
      .poll(() => page.evaluate(() => location.hash), { timeout: 5_000 })
      .toContain(`data=${CUSTOM}`);
    const plane = page.locator('[data-figure="tilting-plane"]').first();
    await expect.poll(() => plane.locator('svg').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-pair="7-9"]').first().getAttribute('title')).toBe('class 7 vs class 9');
  });

  it('shows any swept network’s filters and adversarial examples, the choice in the URL', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#swept=lenet-test-high`, { waitUntil: 'networkidle' });
    const picker = page.locator('[data-figure="swept-network"]').first();
    await page.locator('[data-figure="weight-decay-sweep"]').first().scrollIntoViewIfNeeded();
    await expect.poll(() => picker.count(), { timeout: 20_000 }).toBe(1);
    const select = page.locator('[data-control="swept-network"]');
    expect(await select.inputValue()).toBe('lenet-test-high');
    expect(await select.locator('option').count()).toBe(2);
    // 20 conv1 filters (12 shown) and 12 of conv2's, then three pictures for each of the ten examples
    await expect.poll(() => picker.locator('.example-pair canvas').count(), { timeout: 20_000 }).toBe(30);
    expect(await picker.locator('.filters-row canvas').count()).toBe(24);
    await select.selectOption('lenet-test-low');
    await expect
      .poll(() => page.evaluate(() => location.hash), { timeout: 5_000 })
      .toContain('swept=lenet-test-low');
    await expect.poll(() => picker.locator('.figure-note').first().textContent()).toMatch(/λ = 0\.0001/);
    await picker.screenshot({ path: join(SHOTS, 'swept-network.png') });
  });

  it('logs no console errors', () => {
    expect(errors).toEqual([]);
  });

  it('works as a static site in a sub-folder of any file server, with no failed request', async () => {
    const site = join(dir, 'site-root');
    writeSite(join(site, 'article'), defaultWebRoot(), store, []);
    const files = staticServer(site);
    await listen(files, 0, '127.0.0.1');
    const failed: string[] = [];
    const problems: string[] = [];
    const visitor = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    visitor.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    visitor.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    try {
      await visitor.goto(`http://127.0.0.1:${(files.address() as AddressInfo).port}/article/`, {
        waitUntil: 'networkidle',
      });
      await expect.poll(() => visitor.locator('#data-mode').textContent()).toContain('static copy');
      for (const name of ['opening', 'lenet', 'adversarial-examples']) {
        const element = visitor.locator(`[data-figure="${name}"]`).first();
        await element.scrollIntoViewIfNeeded();
        await expect
          .poll(() => element.locator('svg, canvas').count(), { timeout: 20_000 })
          .toBeGreaterThan(0);
      }
      expect(failed).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await visitor.close();
      files.close();
    }
  });
});

/** A plain static file server (no l2angle code): what a static host does. */
function staticServer(root: string): Server {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.json': 'application/json',
    '.woff2': 'font/woff2',
    '.woff': 'font/woff',
    '.ttf': 'font/ttf',
    '.svg': 'image/svg+xml',
  };
  return createServer((request, response) => {
    let path = join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!path.startsWith(root) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    response.end(readFileSync(path));
  });
}
