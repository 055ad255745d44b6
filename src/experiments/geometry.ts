// The nearest-centroid geometry of digit pairs: ‖j − i‖, the nearest-centroid classifier's errors and its
// adversarial distance — what every model on a λ path tends to as λ → ∞.
import type { BinaryPair } from '../data/pairs.js';
import { adversarialDistance, centroids, errorRate, nearestCentroidClassifier } from '../math/geometry.js';
import { distance } from '../math/vector.js';
import type { PairGeometry } from '../schema/artifacts.js';

/** The nearest-centroid geometry of one pair, from its training set (centroids) and test set. */
export function pairGeometry(pair: BinaryPair): PairGeometry {
  const { i, j } = centroids(pair.train);
  const c = nearestCentroidClassifier(i, j);
  return {
    classI: pair.classI,
    classJ: pair.classJ,
    nTrain: pair.train.n,
    nTest: pair.test.n,
    centroidDistance: distance(i, j),
    errTrain: errorRate(c, pair.train),
    errTest: errorRate(c, pair.test),
    dAdv: adversarialDistance(c, pair.train),
  };
}

export { allPairs } from '../article.js';
