"""Same-run reference for `npm run bench:simulate`: the SPM and SPMe of lib/src/simulate/models.ts, on the same
finite-volume discretisation, solved with scipy's solve_ivp at the same tolerances by two methods, and timed here:
"BDF" (scipy's Python BDF, sparse finite-difference Jacobian coloured with the tridiagonal structure) and "LSODA"
(ODEPACK's Fortran variable-order BDF/Adams with a banded Jacobian, lband = uband = 1: the same design as ours and
the faster of the two, 3-8x on these systems).

Called by lib/src/simulate/bench.ts with one JSON argument holding the discretisation's numbers (computed by the
TypeScript model from the parameter set, so both sides solve the same equations). Prints one JSON object:
{"scipy": version, "results": [{"model", "method", "wall_ms", "wall_min_ms", "cpu_ms", "repeats", "nfev", "njev",
"nlu", "y_end"}]} (y_end: the final state, particles then electrolyte, compared entry by entry with ours).

Why only SPM and SPMe: they are ODE systems (the SPMe's voltage terms are outputs, not states); the DFN is a DAE
(algebraic potentials), which solve_ivp cannot integrate.

Marquis2019 only: the particle diffusivities are constants and the electrolyte diffusivity is
5.34e-10·exp(−0.65·c_e/1000) m2/s (Capiglia 1999 / Dualfoil, as in datasets-src/pybamm-parameters/Marquis2019.md);
the TypeScript side checks the set name before calling.
"""
import json
import math
import sys
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp
from scipy.sparse import diags, lil_matrix

F = 96485.33212


def particle(edges, D, j):
    """Finite volumes on the given faces (uniform for the default mesh), as the TypeScript SphereMesh."""
    edges = np.asarray(edges, dtype=float)
    N = len(edges) - 1
    R = edges[-1]
    centres = 0.5 * (edges[1:] + edges[:-1])
    vol = (edges[1:] ** 3 - edges[:-1] ** 3) / 3
    face = edges[1:-1] ** 2
    coef = face * D / (centres[1:] - centres[:-1])
    surf_flux = R * R * j / F

    def rhs(c, out):
        flux = np.empty(N + 1)
        flux[0] = 0.0
        flux[1:-1] = -coef * (c[1:] - c[:-1])
        flux[-1] = surf_flux
        out[:] = -(flux[1:] - flux[:-1]) / vol

    return rhs


def build(cfg, with_electrolyte):
    N_n, N_p = len(cfg["facesN"]) - 1, len(cfg["facesP"]) - 1
    pn = particle(cfg["facesN"], cfg["Dn"], cfg["jn"])
    pp = particle(cfg["facesP"], cfg["Dp"], cfg["jp"])
    off = N_n + N_p
    nx = len(cfg["dx"]) if with_electrolyte else 0
    n = off + nx
    if with_electrolyte:
        dx = np.array(cfg["dx"])
        Be = np.array(cfg["Be"])
        eps = np.array(cfg["eps"])
        src = np.array(cfg["src"])  # (1 − t+)·a·j/F per cell [mol.m-3.s-1], uniform reaction

    def rhs(t, y):
        out = np.empty(n)
        pn(y[:N_n], out[:N_n])
        pp(y[N_n:off], out[N_n:off])
        if with_electrolyte:
            c = y[off:]
            De = 5.34e-10 * np.exp(-0.65 * np.maximum(c, 10.0) / 1000.0)
            res = 0.5 * dx / (Be * De)
            flux = np.zeros(nx + 1)
            flux[1:-1] = -(c[1:] - c[:-1]) / (res[:-1] + res[1:])
            out[off:] = (-(flux[1:] - flux[:-1]) / dx + src) / eps
        return out

    # tridiagonal structure (each particle and the electrolyte are 1-D chains): scipy colours its FD Jacobian with it
    sparsity = lil_matrix(diags([1, 1, 1], [-1, 0, 1], shape=(n, n)))
    y0 = np.concatenate([np.full(N_n, cfg["cn0"]), np.full(N_p, cfg["cp0"]), np.full(nx, cfg["ce0"])])
    atol = np.array(cfg["atol"][:n])
    return rhs, y0, atol, sparsity


def main():
    cfg = json.loads(sys.argv[1])
    repeats = int(cfg.get("repeats", 5))
    results = []
    for name in cfg["models"]:
        m = cfg[name]
        rhs, y0, atol, sparsity = build(m, name == "SPMe")
        for method in ("BDF", "LSODA"):
            # the structure each method can use: a coloured sparse Jacobian for BDF, a banded one for LSODA
            extra = {"jac_sparsity": sparsity} if method == "BDF" else {"lband": 1, "uband": 1}
            walls, cpus = [], []
            sol = None
            for _ in range(repeats + 1):  # first run warms caches and is not counted, as on the TypeScript side
                w0, c0 = time.perf_counter(), time.process_time()
                sol = solve_ivp(rhs, (0.0, m["tEnd"]), y0, method=method, rtol=m["rtol"], atol=atol, **extra)
                w1, c1 = time.perf_counter(), time.process_time()
                assert sol.success, sol.message
                walls.append((w1 - w0) * 1e3)
                cpus.append((c1 - c0) * 1e3)
            walls, cpus = walls[1:], cpus[1:]
            results.append({
                "model": name,
                "method": method,
                "wall_ms": float(np.median(walls)),
                "wall_min_ms": float(np.min(walls)),
                "cpu_ms": float(np.median(cpus)),
                "repeats": repeats,
                "nfev": int(sol.nfev),
                "njev": int(sol.njev),
                "nlu": int(sol.nlu),
                "y_end": [float(v) for v in sol.y[:, -1]],
            })
    print(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "results": results}))


if __name__ == "__main__":
    main()
