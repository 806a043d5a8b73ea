"""Reference SPM solution with scipy (BDF, rtol 1e-10) on the same finite-volume discretisation as
lib/src/simulate/models.ts: Marquis2019, 20 uniform radial cells per particle, 1C (0.680616 A) for 3000 s.
Run: python3 tests/reference/simulate/spm_scipy_reference.py > tests/reference/simulate/spm_marquis2019_1C.json
Parameter values: datasets-src/pybamm-parameters/Marquis2019.md (facts from PyBaMM, BSD-3-Clause)."""
import json
import math
import numpy as np
import scipy
from scipy.integrate import solve_ivp

R, F, T = 8.314462618, 96485.33212, 298.15
N = 20
area = 0.207 * 0.137
I = 0.680616
neg = dict(R=1e-5, L=1e-4, epsS=0.6, cmax=24983.2619938437, c0=19986.609595075, D=3.9e-14, mref=2e-5)
pos = dict(R=1e-5, L=1e-4, epsS=0.5, cmax=51217.9257309275, c0=30730.7554385565, D=1e-13, mref=6e-7)

def Un(x):
    return (0.194 + 1.5 * math.exp(-120.0 * x) + 0.0351 * math.tanh((x - 0.286) / 0.083) - 0.0045 * math.tanh((x - 0.849) / 0.119)
            - 0.035 * math.tanh((x - 0.9233) / 0.05) - 0.0147 * math.tanh((x - 0.5) / 0.034) - 0.102 * math.tanh((x - 0.194) / 0.142)
            - 0.022 * math.tanh((x - 0.9) / 0.0164) - 0.011 * math.tanh((x - 0.124) / 0.0226) + 0.0155 * math.tanh((x - 0.105) / 0.029))

def Up(y):
    s = 1.062 * y
    return (2.16216 + 0.07645 * math.tanh(30.834 - 54.4806 * s) + 2.1581 * math.tanh(52.294 - 50.294 * s) - 0.14169 * math.tanh(11.0923 - 19.8543 * s)
            + 0.2051 * math.tanh(1.4684 - 5.4888 * s) + 0.2531 * math.tanh((-s + 0.56478) / 0.1316) - 0.02167 * math.tanh((s - 0.525) / 0.006))

def barrier(s):
    a, b, c = 205.0568621937484, 6910.192179565431, -7.7e-4
    z = -b * (s - c)
    return a * z if z > 30 else a * math.log1p(math.exp(z))

def ocp(U, sto):
    s = min(max(sto, 1e-10), 1 - 1e-10)
    return U(s) + barrier(sto) - barrier(1 - sto)

def setup(e, sign):
    dr = e["R"] / N
    edges = np.arange(N + 1) * dr
    vol = (edges[1:] ** 3 - edges[:-1] ** 3) / 3
    face = edges[1:-1] ** 2
    a = 3 * e["epsS"] / e["R"]
    j = sign * I / (area * a * e["L"])
    return dr, vol, face, j

def particle_rhs(c, e, dr, vol, face, j):
    flux = np.empty(N + 1)
    flux[0] = 0.0
    flux[1:-1] = -face * e["D"] * (c[1:] - c[:-1]) / dr
    flux[-1] = e["R"] ** 2 * j / F
    return -(flux[1:] - flux[:-1]) / vol

gn = setup(neg, +1)
gp = setup(pos, -1)

def rhs(t, y):
    return np.concatenate([particle_rhs(y[:N], neg, *gn), particle_rhs(y[N:], pos, *gp)])

def voltage(y):
    csn = 1.5 * y[N - 1] - 0.5 * y[N - 2]
    csp = 1.5 * y[2 * N - 1] - 0.5 * y[2 * N - 2]
    def j0(e, cs):
        return e["mref"] * math.sqrt(1000.0) * math.sqrt(cs) * math.sqrt(e["cmax"] - cs)
    etan = 2 * R * T / F * math.asinh(gn[3] / (2 * j0(neg, csn)))
    etap = 2 * R * T / F * math.asinh(gp[3] / (2 * j0(pos, csp)))
    return ocp(Up, csp / pos["cmax"]) - ocp(Un, csn / neg["cmax"]) + etap - etan

y0 = np.concatenate([np.full(N, neg["c0"]), np.full(N, pos["c0"])])
t_eval = np.arange(0, 3001, 100.0)
sol = solve_ivp(rhs, (0, 3000), y0, method="BDF", t_eval=t_eval, rtol=1e-10, atol=1e-8)
assert sol.success, sol.message
V = [voltage(sol.y[:, k]) for k in range(len(t_eval))]
print(json.dumps({"description": "Marquis2019 SPM, 1C, 20 radial cells, scipy solve_ivp BDF rtol 1e-10", "scipy": scipy.__version__,
                  "time_s": t_eval.tolist(), "voltage_V": V}, indent=1))
