// Runs the Python reference implementations (scikit-learn, xgboost from Debian) for parity tests and the
// benchmark. Only used by tests/benchmarks, never at run time of the library.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Matrix } from "./matrix";

/** Debian's python with python3-sklearn and python3-xgboost (a pyenv `python3` on PATH may lack them). @internal */
export const REFERENCE_PYTHON = process.env.BATTERY_MI_REFERENCE_PYTHON ?? "/usr/bin/python3";

/** Path of tests/reference/models/reference.py from lib/src/models or lib/dist/models. @internal */
export function referenceScript(): string {
  return path.resolve(__dirname, "../../../tests/reference/models/reference.py");
}

/** Why the reference cannot run (missing python or modules), or null when it can. @internal */
export function referenceUnavailable(modules: string[] = ["sklearn", "xgboost"]): string | null {
  if (!fs.existsSync(REFERENCE_PYTHON)) return `${REFERENCE_PYTHON} not found`;
  if (!fs.existsSync(referenceScript())) return `${referenceScript()} not found`;
  const r = spawnSync(REFERENCE_PYTHON, ["-c", modules.map((m) => `import ${m}`).join("; ")], { encoding: "utf8" });
  if (r.status !== 0) return `${REFERENCE_PYTHON} lacks ${modules.join("/")} (python3-sklearn, python3-xgboost): ${(r.stderr || "").trim().split("\n").pop()}`;
  return null;
}

/** A reference fit request (see reference.py). @internal */
export interface ReferenceRequest {
  model: "rf" | "xgb" | "gp";
  params: Record<string, unknown>;
  X: Matrix;
  y: ArrayLike<number>;
  /** Test indices per fold (an empty fold = fit on all, predict on all, for timing). */
  folds: ArrayLike<number>[];
  repeat?: number;
  /**
   * Model "gp" only: query sets on which the last fitted model's predict(return_std=True) is timed, each as
   * the best of `repeat` runs of `inner` calls (CPU seconds per call, in `queryPredictCpuSeconds`).
   */
  queries?: { X: Matrix; inner: number; repeat: number }[];
}

/** The reference's answer. @internal */
export interface ReferenceResponse {
  oof: (number | null)[];
  fitSeconds: number[];
  predictSeconds: number[];
  /** Process CPU seconds of each fit (best of repeat). */
  fitCpuSeconds: number[];
  /** Process CPU seconds of each predict (best of repeat). */
  predictCpuSeconds: number[];
  versions: Record<string, string>;
  /** Predictions on all rows for an empty fold (fit on all, predict on all). */
  full: number[] | null;
  /** Model "gp" (the last fit): each optimiser start (scipy L-BFGS-B's nfev, nit), the fitted kernel. */
  gp: { runs: { evaluations: number; iterations: number; logMarginalLikelihood: number }[]; logMarginalLikelihood: number; kernel: string } | null;
  /** CPU seconds per predict(return_std=True) call on each of the request's `queries` (empty without them). */
  queryPredictCpuSeconds: number[];
}

/** Runs reference.py on a request passed through a temporary file. @internal */
export function runReference(req: ReferenceRequest): ReferenceResponse {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "battery-mi-ref-"));
  const file = path.join(dir, "request.json");
  try {
    const rowsOf = (X: Matrix): (number | null)[][] => {
      const rows: (number | null)[][] = [];
      for (let i = 0; i < X.nRows; i++) rows.push(Array.from(X.data.subarray(i * X.nCols, (i + 1) * X.nCols), (v) => (Number.isNaN(v) ? null : v)));
      return rows;
    };
    const queries = (req.queries ?? []).map((q) => ({ X: rowsOf(q.X), inner: q.inner, repeat: q.repeat }));
    fs.writeFileSync(file, JSON.stringify({ model: req.model, params: req.params, X: rowsOf(req.X), y: Array.from(req.y), folds: req.folds.map((f) => Array.from(f)), repeat: req.repeat ?? 1, queries }));
    const r = spawnSync(REFERENCE_PYTHON, [referenceScript(), file], { encoding: "utf8", maxBuffer: 1 << 28, env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" } });
    if (r.status !== 0) throw new Error(`reference.py failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as ReferenceResponse;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
