// How a solver stopped, in one shape for every solver (scikit-learn's and LIBLINEAR's habit: iterations, the
// stopping measure and its value, a warning when it did not converge). Layers above read this shape only.

/** What a solver's stopping rule measures. */
export type StoppingMeasure =
  /** libsvm's maximal KKT violation m(α) − M(α) of the dual */
  | 'kkt-violation'
  /** ‖∇L(w, b)‖₂, absolute */
  | 'gradient-norm'
  /** primal − dual of a problem with a closed-form dual (adversarial training), ≥ L − L* */
  | 'duality-gap';

/** The report every solver gives with its model. */
export interface FitReport {
  /** L(w, b) = R(w, b) + λ‖w‖² at the returned model */
  objective: number;
  /** iterations of the solver's outer loop (all phases summed) */
  iterations: number;
  /** true when the stopping rule was met */
  converged: boolean;
  /** what `optimality` measures */
  measure: StoppingMeasure;
  /** the stopping measure at the returned model */
  optimality: number;
  /** the value the stopping rule asked `optimality` to reach */
  tolerance: number;
  /** primal − dual in L's scaling, for solvers that hold a dual (a certificate: ≥ L − L*) */
  gap?: number;
  /** why it stopped early, when it did */
  warning?: string;
}

/** The report's one-line summary: "converged: kkt-violation 3.1e-7 ≤ 1e-6 in 12 iterations". */
export function describeFit(report: FitReport): string {
  const met = report.converged ? '≤' : '>';
  const head = report.converged ? 'converged' : 'not converged';
  return (
    `${head}: ${report.measure} ${report.optimality.toExponential(1)} ${met} ${report.tolerance} in ` +
    `${report.iterations} iterations${report.warning ? ` (${report.warning})` : ''}`
  );
}
