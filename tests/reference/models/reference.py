#!/usr/bin/env python3
"""Reference fits for battery-mi's models: scikit-learn RandomForestRegressor and GaussianProcessRegressor,
xgboost XGBRegressor (hist).

Usage: /usr/bin/python3 reference.py request.json  -> JSON on stdout

request = {"model": "rf" | "xgb" | "gp", "params": {...keyword arguments...},
           "X": [[...], ...] (null for NaN), "y": [...],
           "folds": [[test indices], ...]   # out-of-fold predictions over these folds
           "repeat": 1,                     # timing: fit/predict repeated, best time kept
           "queries": [{"X": [[...], ...], "inner": 1, "repeat": 5}, ...]}  # model "gp" only, optional: after
                                            # the last fit, predict(return_std=True) on each X timed as the best
                                            # of `repeat` runs of `inner` calls (CPU seconds per call)
response = {"oof": [...], "fitSeconds": [...], "predictSeconds": [...],   # wall time per fold (best of repeat)
            "fitCpuSeconds": [...], "predictCpuSeconds": [...],         # process CPU time per fold
            "versions": {...},
            "full": [...] | null,               # predictions on all rows for an empty fold (timing)
            "gp": {...} | null,                 # model "gp": see make_gp
            "queryPredictCpuSeconds": [...]}     # one per request query set (empty without them)
Single-threaded on purpose (n_jobs=1 / nthread=1) so timings compare with one JavaScript thread.
"""
import json
import sys
import time

import numpy as np


class CountingOptimizer:
    """scikit-learn's own optimizer (scipy L-BFGS-B with its defaults), counting evaluations per start."""

    def __init__(self):
        self.runs = []

    def __call__(self, obj_func, initial_theta, bounds):
        import scipy.optimize
        res = scipy.optimize.minimize(obj_func, initial_theta, method="L-BFGS-B", jac=True, bounds=bounds)
        self.runs.append({"evaluations": int(res.nfev), "iterations": int(res.nit), "logMarginalLikelihood": float(-res.fun)})
        return res.x, res.fun


def make_gp(params, n_features):
    """ConstantKernel * Matern(ARD) + WhiteKernel with battery-mi's defaults (GaussianProcessOptions):
    params = {"nu": 2.5, "n_restarts_optimizer": 3, "random_state": 0, "normalize_y": true, "alpha": 1e-10}."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
    p = dict(params)
    nu = p.pop("nu", 2.5)
    kernel = ConstantKernel(1.0, (1e-5, 1e5)) * Matern([1.0] * n_features, (1e-5, 1e5), nu=nu) + WhiteKernel(1e-2, (1e-10, 1e1))
    return GaussianProcessRegressor(kernel, optimizer=CountingOptimizer(), **p)


def make(model, params):
    if model == "rf":
        from sklearn.ensemble import RandomForestRegressor
        return RandomForestRegressor(n_jobs=1, **params)
    if model == "xgb":
        import xgboost
        return xgboost.XGBRegressor(tree_method="hist", nthread=1, **params)
    raise ValueError(f"unknown model {model}")


def main():
    req = json.load(open(sys.argv[1]))
    X = np.array([[np.nan if v is None else v for v in row] for row in req["X"]], dtype=float)
    y = np.array(req["y"], dtype=float)
    n = len(y)
    oof = np.full(n, np.nan)
    fit_s, pred_s, fit_cpu, pred_cpu = [], [], [], []
    full = None
    gp_info = None
    repeat = int(req.get("repeat", 1))
    for test in req["folds"]:
        test = np.array(test, dtype=int)
        mask = np.ones(n, dtype=bool)
        mask[test] = False
        train = np.nonzero(mask)[0] if len(test) else np.arange(n)
        best_fit = best_pred = best_fit_cpu = best_pred_cpu = float("inf")
        for _ in range(repeat):
            m = make_gp(req["params"], X.shape[1]) if req["model"] == "gp" else make(req["model"], req["params"])
            c0, t0 = time.process_time(), time.perf_counter()
            m.fit(X[train], y[train])
            c1, t1 = time.process_time(), time.perf_counter()
            if req["model"] == "gp":
                # predictive mean and std, as battery-mi's predictWithStd
                p, _ = m.predict(X[test] if len(test) else X, return_std=True)
            else:
                p = m.predict(X[test] if len(test) else X)
            c2, t2 = time.process_time(), time.perf_counter()
            if req["model"] == "gp":
                gp_info = {"runs": m.optimizer.runs, "logMarginalLikelihood": float(m.log_marginal_likelihood_value_),
                           "kernel": str(m.kernel_)}
            best_fit, best_pred = min(best_fit, t1 - t0), min(best_pred, t2 - t1)
            best_fit_cpu, best_pred_cpu = min(best_fit_cpu, c1 - c0), min(best_pred_cpu, c2 - c1)
        fit_s.append(best_fit)
        pred_s.append(best_pred)
        fit_cpu.append(best_fit_cpu)
        pred_cpu.append(best_pred_cpu)
        if len(test):
            oof[test] = p
        else:
            full = p
    query_cpu = []
    for qs in req.get("queries", []):
        # timed on the last fitted model, like battery-mi's predictWithStd in the bench
        Xq = np.array(qs["X"], dtype=float)
        inner, best_q = int(qs.get("inner", 1)), float("inf")
        for _ in range(int(qs.get("repeat", 5))):
            c0 = time.process_time()
            for _ in range(inner):
                m.predict(Xq, return_std=True)
            best_q = min(best_q, (time.process_time() - c0) / inner)
        query_cpu.append(best_q)
    import sklearn
    versions = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    try:
        import xgboost
        versions["xgboost"] = xgboost.__version__
    except ImportError:
        pass
    json.dump({"oof": [None if np.isnan(v) else float(v) for v in oof], "fitSeconds": fit_s,
               "predictSeconds": pred_s, "fitCpuSeconds": fit_cpu, "predictCpuSeconds": pred_cpu, "versions": versions,
               "full": None if full is None else [float(v) for v in full], "gp": gp_info,
               "queryPredictCpuSeconds": query_cpu}, sys.stdout)


if __name__ == "__main__":
    main()
