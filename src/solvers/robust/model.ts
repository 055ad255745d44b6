// The shape of one adversarially trained model, shared by the hinge and softplus solvers of F_ε.
import type { FitReport } from '../report.js';

/** The minimiser of F_ε at one ε (see dual.ts), with its certificate. */
export interface RobustModel extends FitReport {
  epsilon: number;
  lambda: number;
  w: Float64Array;
  b: number;
  /** F_ε − D(a): every model of F_ε has a dual to certify it */
  gap: number;
  /** true when ε ≥ ε* made the constant classifier w = 0 optimal */
  collapsed: boolean;
  /**
   * hinge only: the λ of the ordinary SVM whose model, scaled by 1/(1 − ε‖w̃‖), is this one (the same
   * boundary: adversarial training of the hinge loss is weight decay at a larger λ, see hinge.ts)
   */
  equivalentLambda?: number;
}

/** Settings of an ε path. */
export interface RobustPathOptions {
  /** called with each model as soon as it is solved */
  onModel?: (model: RobustModel, index: number) => void;
}
