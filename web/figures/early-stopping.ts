// Beyond the article, linear models: early stopping against weight decay. Gradient descent on unregularised
// logistic regression of a separable pair: θ(t) and the angle to the hard-margin SVM against the step t
// (log scale), θ(λ) along the logistic and hinge λ paths, and the map t ↦ λ of equal θ.
import { axisBottom, axisLeft, scaleLinear, scaleLog } from 'd3';
import { pairLabel } from '../../src/schema/datasets.js';
import type { EarlyStopping } from '../../src/schema/early-stopping.js';
import { curvePath, panel, powerOfTen, sig, xAxis, yAxis } from '../chart.js';
import { figureRow } from '../layout.js';
import type { FigureHandle } from '../slot.js';

function decadeTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++)
    out.push(10 ** e);
  return out;
}

const tenTo = (v: unknown) => powerOfTen(Math.round(Math.log10(Number(v))));

/** Draws the three panels. */
export function renderEarlyStopping(container: HTMLElement, run: EarlyStopping): FigureHandle {
  container.replaceChildren();
  const { cell } = figureRow(container, true);
  const records = run.records;
  const tMax = run.steps;
  const thetaTop = Math.max(run.hardMargin.theta, ...run.softplusPath.map((m) => m.theta)) * 1.1;

  // θ(t) and the angle to the hard-margin SVM
  const a = panel(cell(), {
    label: 'θ(t) and the angle between w(t) and the hard-margin SVM, against the gradient step t.',
    title: 'gradient descent: θ(t)',
    width: 320,
    height: 240,
  });
  const xt = scaleLog().domain([1, tMax]).range([0, a.width]);
  const ya = scaleLinear().domain([0, thetaTop]).range([a.height, 0]).nice();
  xAxis(a, axisBottom(xt).tickValues(decadeTicks(1, tMax)).tickFormat(tenTo), 'step t');
  yAxis(a, axisLeft(ya).ticks(5), 'radians');
  curvePath(
    a,
    records.map((r) => [r.t, r.theta]),
    xt,
    ya,
    'family-adversarial',
  );
  curvePath(
    a,
    records.map((r) => [r.t, r.angleToHardMargin]),
    xt,
    ya,
    'family-adversarial dashed',
  );
  curvePath(
    a,
    [
      [1, run.hardMargin.theta],
      [tMax, run.hardMargin.theta],
    ],
    xt,
    ya,
    'reference',
  );

  // θ(λ) of the logistic and hinge paths
  const b = panel(cell(), {
    label: 'θ along the logistic and hinge λ paths, λ decreasing to the right.',
    title: 'weight decay: θ(λ)',
    width: 320,
    height: 240,
  });
  const lambdas = run.softplusPath.map((m) => m.lambda);
  const [lMin, lMax] = [Math.min(...lambdas), Math.max(...lambdas)];
  const xl = scaleLog().domain([lMax, lMin]).range([0, b.width]);
  const yb = ya.copy().range([b.height, 0]);
  xAxis(
    b,
    axisBottom(xl)
      .tickValues(decadeTicks(lMin, lMax).filter((_, k) => k % 2 === 0))
      .tickFormat(tenTo),
    'λ',
  );
  yAxis(b, axisLeft(yb).ticks(5), 'θ (rad)');
  curvePath(
    b,
    run.hingePath.map((m) => [m.lambda, m.theta]),
    xl,
    yb,
    'reference',
  );
  curvePath(
    b,
    run.softplusPath.map((m) => [m.lambda, m.theta]),
    xl,
    yb,
    'family-weight-decay',
  );

  // t ↦ λ of equal θ
  const c = panel(cell(), {
    label: 'The λ whose logistic model has the tilt of gradient descent after t steps.',
    title: 'early stopping as weight decay: t ↦ λ',
    width: 320,
    height: 240,
  });
  const mapped = records.filter((r) => r.lambdaOfEqualTheta !== null) as Array<
    EarlyStopping['records'][number] & { lambdaOfEqualTheta: number }
  >;
  const yl = scaleLog().domain([lMax, lMin]).range([0, c.height]);
  xAxis(
    c,
    axisBottom(xt.copy().range([0, c.width]))
      .tickValues(decadeTicks(1, tMax))
      .tickFormat(tenTo),
    'step t',
  );
  yAxis(
    c,
    axisLeft(yl)
      .tickValues(decadeTicks(lMin, lMax).filter((_, k) => k % 2 === 0))
      .tickFormat(tenTo),
    'λ of equal θ',
  );
  curvePath(
    c,
    mapped.map((r) => [r.t, r.lambdaOfEqualTheta]),
    xt.copy().range([0, c.width]),
    yl,
    'family-weight-decay',
  );
  const last = records[records.length - 1];
  const legend = document.createElement('p');
  legend.className = 'figure-note';
  legend.textContent =
    `${pairLabel(run.dataset, run.classI, run.classJ)}, ${run.nTrain} training images, ${run.steps.toLocaleString('en')} ` +
    `steps of size ${sig(run.stepSize, 3)} (1/L). Left: θ(t) (solid) and the angle between w(t) and the hinge ` +
    `model at λ = ${run.hardMargin.lambda} (dashed; ${run.hardMargin.exact ? 'the hard-margin SVM exactly: no α at C' : 'not yet the hard-margin SVM'}), ` +
    `whose θ = ${sig(run.hardMargin.theta)} is the grey line. After ${run.steps.toLocaleString('en')} steps: ` +
    `θ = ${sig(last.theta)}, ${sig(last.angleToHardMargin)} rad from the hard-margin direction, ‖w‖ = ${sig(last.normW)}.`;
  container.append(legend);
  return { update() {} };
}
