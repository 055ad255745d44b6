"""The peer of `l2angle svm --pair I,J --loss L --csv FILE` as a user would run it: one Python process that
reads the same MNIST idx files, takes the first PER_CLASS training images of each class (and every test image
of both), fits scikit-learn at the article's 81 λ and writes the same kind of CSV.

  hinge:    SVC(kernel='precomputed', C = 1/(2λn), tol=1e-3) on the Gram matrix of x = bytes/255
  softplus: LogisticRegression(lbfgs, C = 1/(2λn), tol=TOL), warm-started down the grid; TOL "matched"
            sets tol = 1e-8/(2λ) at each λ: scikit-learn 1.2 minimises C Σ softplus + ½‖w‖² = F/(2λ), and
            lbfgs stops on the largest gradient component, so its ∇F is then at most 1e-8 per component

Prints one JSON line at the end: the largest ‖∇F‖₂ of the softplus models (F = mean softplus + λ‖w‖², the
objective l2angle solves to ‖∇F‖₂ ≤ 1e-8), so the tolerances can be compared. Benchmarks only.
Usage: sklearn_command.py LOSS TRAIN_IMAGES TRAIN_LABELS TEST_IMAGES TEST_LABELS I J PER_CLASS CSV [TOL]
"""
import gzip
import json
import sys

import numpy as np


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k : 8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def pair(images, labels, i, j, per_class):
    take_i = np.flatnonzero(labels == i)[:per_class]
    take_j = np.flatnonzero(labels == j)[:per_class]
    index = np.sort(np.concatenate([take_i, take_j]))
    x = images[index].reshape(len(index), -1).astype(np.float64) / 255.0
    y = np.where(labels[index] == j, 1.0, -1.0)
    return x, y


def main():
    loss, tri, trl, tei, tel, i, j, per_class, csv = sys.argv[1:10]
    tol = sys.argv[10] if len(sys.argv) > 10 else "1e-6"
    i, j, per_class = int(i), int(j), int(per_class)
    xtr, ytr = pair(idx(tri), idx(trl), i, j, per_class)
    xte, yte = pair(idx(tei), idx(tel), i, j, 10**9)
    n = len(ytr)
    z = xtr[ytr > 0].mean(axis=0) - xtr[ytr < 0].mean(axis=0)
    z /= np.linalg.norm(z)
    rows = []
    norms = []
    worst = 0.0
    if loss == "hinge":
        from sklearn.svm import SVC

        gram = xtr @ xtr.T
    else:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(solver="lbfgs", max_iter=100000, warm_start=True)
    for c in range(81):
        lam = 10.0 ** (2 - 0.1 * c)
        if loss == "hinge":
            svc = SVC(kernel="precomputed", C=1.0 / (2.0 * lam * n), tol=1e-3, cache_size=2000).fit(gram, ytr)
            coef = np.zeros(n)
            coef[svc.support_] = svc.dual_coef_[0]
            w, b = xtr.T @ coef, float(svc.intercept_[0])
        else:
            model.set_params(C=1.0 / (2.0 * lam * n), tol=1e-8 / (2 * lam) if tol == "matched" else float(tol))
            model.fit(xtr, ytr)
            w, b = model.coef_[0], float(model.intercept_[0])
            m = ytr * (xtr @ w + b)
            s = -ytr / (1.0 + np.exp(m)) / n
            grad = np.concatenate([xtr.T @ s + 2 * lam * w, [s.sum()]])
            worst = max(worst, float(np.linalg.norm(grad)))
            norms.append(float(np.linalg.norm(grad)))
        nw = np.linalg.norm(w)
        m = ytr * (xtr @ w + b)
        theta = float(np.arccos(np.clip(w @ z / nw, -1.0, 1.0)))
        err_train = 100.0 * np.mean(np.where(xtr @ w + b > 0, 1.0, -1.0) != ytr)
        err_test = 100.0 * np.mean(np.where(xte @ w + b > 0, 1.0, -1.0) != yte)
        rows.append(f"{c},{lam},{nw},{b},{theta},{(m / nw).mean()},{err_train},{err_test}")
    with open(csv, "w") as f:
        f.write("c,lambda,norm_w,bias,theta,d_adv,err_train,err_test\n" + "\n".join(rows) + "\n")
    median = float(np.median(norms)) if norms else 0.0
    print(json.dumps({"largest_gradient_norm": worst, "median_gradient_norm": median, "gradient_norms": norms}), flush=True)


if __name__ == "__main__":
    main()
