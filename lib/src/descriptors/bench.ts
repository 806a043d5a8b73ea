/**
 * Benchmark: parse + Magpie-featurize every formula of the Materials Project insertion-electrode export
 * (Formula Charge and Formula Discharge of mp_batteries_2024.csv), in battery-mi and in pymatgen
 * (Composition + matminer's ElementProperty rules, run through /usr/bin/python3 in the same run).
 *
 * Run: `npm run bench:descriptors` (or `node lib/dist/descriptors/bench.js [--csv path] [--repeats n] [--py-repeats n]`;
 * defaults 5 repeats for battery-mi, 1 for Python, best time reported; wall and CPU time both printed
 * because the machine is shared).
 * Environment: BATTERY_MI_MP_ELECTRODES_CSV overrides the CSV; BATTERY_MI_PYTHON the Python interpreter.
 * matminer is not installed here, so the Python side computes matminer's ElementProperty ("magpie")
 * exactly as matminer 0.9 does (numpy PropertyStats over the same Magpie tables) — the same work
 * matminer's featurize() does per composition, without its DataFrame/multiprocessing overhead.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseFormula } from "./composition";
import { ElementProperty, featurizeMany } from "./featurizers";

function findCsv(): string {
  const i = process.argv.indexOf("--csv");
  const candidates = [
    i >= 0 ? process.argv[i + 1] : undefined,
    process.env.BATTERY_MI_MP_ELECTRODES_CSV,
    // the shipped copy (lib/src|dist/descriptors -> repository root -> datasets/)
    path.resolve(__dirname, "../../../datasets/mp-insertion-electrodes/mp_batteries_2024.csv"),
  ];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  throw new Error("mp_batteries_2024.csv not found: pass --csv <path> or set BATTERY_MI_MP_ELECTRODES_CSV.");
}

function findMagpieDir(csv: string): string | null {
  const candidates = [
    path.resolve(path.dirname(csv), "../elemental-properties/magpie_elementdata"),
    path.resolve(__dirname, "../../../datasets/elemental-properties/magpie_elementdata"),
  ];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  return null;
}

function readFormulas(csv: string): string[] {
  const lines = fs.readFileSync(csv, "utf8").split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(",");
  const cols = ["Formula Charge", "Formula Discharge"].map((c) => {
    const k = header.indexOf(c);
    if (k < 0) throw new Error(`${csv} has no column "${c}"`);
    return k;
  });
  const out: string[] = [];
  for (const l of lines.slice(1)) {
    const cells = l.split(",");
    for (const k of cols) out.push(cells[k]!);
  }
  return out;
}

const PY = String.raw`
import json, os, sys, time
import numpy as np
from pymatgen.core import Composition, Element
magdir = sys.argv[1]
formulas = json.load(sys.stdin)
PRESET = ["Number","MendeleevNumber","AtomicWeight","MeltingT","Column","Row","CovalentRadius","Electronegativity",
  "NsValence","NpValence","NdValence","NfValence","NValence","NsUnfilled","NpUnfilled","NdUnfilled","NfUnfilled",
  "NUnfilled","GSvolume_pa","GSbandgap","GSmagmom","SpaceGroupNumber"]
tab = {}
for p in PRESET:
    lines = open(os.path.join(magdir, p + ".table")).readlines()
    d = {}
    for z in range(1, 119):
        try: v = float(lines[z-1])
        except (ValueError, IndexError): v = float("nan")
        d[Element.from_Z(z).symbol] = v
    tab[p] = d
def mn(d, w): return min(d) if not np.any(np.isnan(d)) else float("nan")
def mx(d, w): return max(d) if not np.any(np.isnan(d)) else float("nan")
def rg(d, w): return (max(d) - min(d)) if not np.any(np.isnan(d)) else float("nan")
def mean(d, w): return np.average(d, weights=w)
def avg_dev(d, w): return np.average(np.abs(np.subtract(d, mean(d, w))), weights=w)
def mode(d, w):
    d = np.array(d); w = np.array(w); return d[np.isclose(w, w.max())].min()
STATS = [mn, mx, rg, mean, avg_dev, mode]
def featurize(comp):
    els, fr = zip(*comp.element_composition.items())
    out = []
    for attr in PRESET:
        data = [tab[attr][e.symbol] for e in els]
        for s in STATS: out.append(float(s(data, fr)))
    return out
repeats = int(sys.argv[2])
best = float("inf"); best_cpu = float("inf"); X = None
for r in range(repeats):
    t0 = time.perf_counter(); c0 = time.process_time()
    X = [featurize(Composition(f)) for f in formulas]
    best = min(best, time.perf_counter() - t0); best_cpu = min(best_cpu, time.process_time() - c0)
json.dump({"seconds": best, "cpuSeconds": best_cpu, "rows": len(X), "first": X[:50]}, sys.stdout)
`;

function main(): void {
  const ri = process.argv.indexOf("--repeats");
  const repeats = ri >= 0 ? Math.max(1, Number(process.argv[ri + 1])) : 5;
  const pi = process.argv.indexOf("--py-repeats");
  const pyRepeats = pi >= 0 ? Math.max(1, Number(process.argv[pi + 1])) : 1;
  const csv = findCsv();
  const formulas = readFormulas(csv);
  console.log(`descriptors bench: parse + Magpie ElementProperty (132 features) of ${formulas.length} formulas from ${path.basename(csv)}`);

  const ep = ElementProperty.fromPreset("magpie");
  featurizeMany(formulas.slice(0, 200), [ep]); // warm-up (JIT)
  let best = Infinity;
  let bestCpu = Infinity;
  let m = featurizeMany([], [ep]);
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    m = featurizeMany(formulas.map((f) => parseFormula(f)), [ep]);
    const c = process.cpuUsage(c0);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
  }
  console.log(
    `battery-mi: ${best.toFixed(3)} s wall, ${bestCpu.toFixed(3)} s CPU (best of ${repeats}), ${m.nRows} rows, ` +
      `${m.failures.length} failures, ${((best / formulas.length) * 1e6).toFixed(1)} µs/formula`,
  );
  for (const f of m.failures.slice(0, 5)) console.log(`  failed row ${f.row} ${f.formula}: ${f.reason}`);

  const python = process.env.BATTERY_MI_PYTHON ?? "/usr/bin/python3";
  const magdir = findMagpieDir(csv);
  if (!fs.existsSync(python) || !magdir) {
    console.log(`pymatgen side skipped: ${!fs.existsSync(python) ? `${python} not found` : "magpie_elementdata not found"}`);
    return;
  }
  const res = spawnSync(python, ["-W", "ignore", "-c", PY, magdir, String(pyRepeats)], {
    input: JSON.stringify(formulas),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    console.log(`pymatgen side failed (exit ${res.status}): ${(res.stderr || "").trim().split("\n").slice(-3).join(" | ")}`);
    return;
  }
  const py = JSON.parse(res.stdout) as { seconds: number; cpuSeconds: number; rows: number; first: number[][] };
  let maxRel = 0;
  py.first.forEach((row, i) => {
    row.forEach((v, j) => {
      const ours = m.X[i * m.nCols + j]!;
      maxRel = Math.max(maxRel, Math.abs(ours - v) / Math.max(1, Math.abs(v)));
    });
  });
  console.log(`pymatgen + matminer rules (python): ${py.seconds.toFixed(3)} s wall, ${py.cpuSeconds.toFixed(3)} s CPU (best of ${pyRepeats}), ${py.rows} rows`);
  console.log(`agreement on the first ${py.first.length} rows: max relative difference ${maxRel.toExponential(2)}`);
  console.log(`speed ratio (python / battery-mi): ${(py.seconds / best).toFixed(1)}× wall, ${(py.cpuSeconds / bestCpu).toFixed(1)}× CPU`);
}

main();
