"""Independent reference for l2angle's exact λ paths: scikit-learn (libsvm and lbfgs) on the same data.

Reads a problem written by bench/crosscheck.ts (raw 0..255 bytes, labels ±1, the λ grid), fits at every λ
  hinge:    SVC(kernel='precomputed', C = 1/(2λn), tol) on the Gram matrix of x = bytes/255
  softplus: LogisticRegression(C = 1/(2λn), lbfgs, tight tol), bias not regularised
and prints one JSON object per λ: θ, d_adv, errors (%), objective L(w, b), ‖w‖, b, seconds.
Benchmarks and cross-checks only: never a runtime dependency of l2angle.
"""
import json
import sys
import time

import numpy as np


def load(prefix):
    meta = json.load(open(prefix + ".json"))
    d = meta["dim"]
    xtr = np.fromfile(prefix + ".train.u8", dtype=np.uint8).reshape(-1, d).astype(np.float64) / 255.0
    xte = np.fromfile(prefix + ".test.u8", dtype=np.uint8).reshape(-1, d).astype(np.float64) / 255.0
    ytr = np.fromfile(prefix + ".train.y", dtype=np.int8).astype(np.float64)
    yte = np.fromfile(prefix + ".test.y", dtype=np.int8).astype(np.float64)
    return meta, xtr, ytr, xte, yte


def describe(w, b, lam, loss, xtr, ytr, xte, yte):
    n = len(ytr)
    i = xtr[ytr < 0].mean(axis=0)
    j = xtr[ytr > 0].mean(axis=0)
    z = (j - i) / np.linalg.norm(j - i)
    nw = np.linalg.norm(w)
    s = xtr @ w + b
    m = ytr * s
    if loss == "hinge":
        risk = np.maximum(0.0, 1.0 - m).mean()
    else:
        risk = np.logaddexp(0.0, -m).mean()
    return {
        "lambda": lam,
        "theta": float(np.arccos(np.clip(w @ z / nw, -1.0, 1.0))),
        "d_adv": float((m / nw).mean()),
        "err_train": float(100.0 * np.mean(np.where(s > 0, 1.0, -1.0) != ytr)),
        "err_test": float(100.0 * np.mean(np.where(xte @ w + b > 0, 1.0, -1.0) != yte)),
        "objective": float(risk + lam * nw * nw),
        "norm_w": float(nw),
        "bias": float(b),
    }


def main():
    prefix, loss = sys.argv[1], sys.argv[2]
    meta, xtr, ytr, xte, yte = load(prefix)
    n = len(ytr)
    lambdas = meta["lambdas"]
    started = time.perf_counter()
    if loss == "hinge":
        from sklearn.svm import SVC

        gram = xtr @ xtr.T
        for lam in lambdas:
            t0 = time.perf_counter()
            svc = SVC(kernel="precomputed", C=1.0 / (2.0 * lam * n), tol=meta.get("tol", 1e-3), cache_size=2000)
            svc.fit(gram, ytr)
            coef = np.zeros(n)
            coef[svc.support_] = svc.dual_coef_[0]
            w = xtr.T @ coef
            row = describe(w, float(svc.intercept_[0]), lam, loss, xtr, ytr, xte, yte)
            row["seconds"] = time.perf_counter() - t0
            print(json.dumps(row), flush=True)
    else:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(solver="lbfgs", tol=1e-10, max_iter=100000, warm_start=True)
        for lam in lambdas:
            t0 = time.perf_counter()
            model.set_params(C=1.0 / (2.0 * lam * n))
            model.fit(xtr, ytr)
            row = describe(model.coef_[0], float(model.intercept_[0]), lam, loss, xtr, ytr, xte, yte)
            row["seconds"] = time.perf_counter() - t0
            print(json.dumps(row), flush=True)
    print(json.dumps({"total_seconds": time.perf_counter() - started}), flush=True)


if __name__ == "__main__":
    main()
