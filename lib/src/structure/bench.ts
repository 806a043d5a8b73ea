/**
 * Benchmark (part of `npm run bench:descriptors`): read all 321 OBELiX CIFs and build 3 Å neighbour lists, with this
 * library and with pymatgen (`Structure.from_file` + `get_all_neighbors`) timed in the same run through a
 * /usr/bin/python3 subprocess. Prints both times, the ratio, and checks that both find the same number of sites and
 * neighbour pairs. Run: `node lib/dist/structure/bench.js [obelix_cif_dir] [cutoff]`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { readCif } from "./cif";
import { neighbors } from "./neighbors";
import type { Structure } from "./structure";

const PY = String.raw`
import sys, os, time, warnings, json
warnings.filterwarnings("ignore")
from pymatgen.core import Structure
d, cutoff = sys.argv[1], float(sys.argv[2])
files = sorted(f for f in os.listdir(d) if f.endswith(".cif"))
t0 = time.perf_counter()
structs = [Structure.from_file(os.path.join(d, f)) for f in files]
t1 = time.perf_counter()
pairs = sum(len(n) for s in structs for n in s.get_all_neighbors(cutoff))
t2 = time.perf_counter()
print(json.dumps({"parse": t1 - t0, "neighbors": t2 - t1, "sites": sum(len(s) for s in structs), "pairs": pairs, "files": len(files)}))
`;

function main(): void {
  const repoRoot = path.resolve(__dirname, "..", "..", "..");
  const dir = process.argv[2] ?? path.resolve(repoRoot, "datasets/solid-electrolyte-conductivity/obelix_cifs");
  const cutoff = Number(process.argv[3] ?? 3);
  if (!existsSync(dir)) {
    console.log(`structure bench skipped: OBELiX CIFs not found at ${dir}`);
    return;
  }
  const files = readdirSync(dir).filter((f) => f.endsWith(".cif")).sort();
  const t0 = performance.now();
  const structs: Structure[] = files.map((f) => readCif(path.join(dir, f))[0]!);
  const t1 = performance.now();
  let pairs = 0;
  for (const s of structs) pairs += neighbors(s, cutoff).index.length;
  const t2 = performance.now();
  const sites = structs.reduce((a, s) => a + s.numSites, 0);
  const ours = { parse: (t1 - t0) / 1000, neighbors: (t2 - t1) / 1000 };
  console.log(`structure bench: ${files.length} OBELiX CIFs, ${sites} sites, ${pairs} neighbour pairs within ${cutoff} Å`);
  console.log(`  battery-mi: parse ${ours.parse.toFixed(2)} s, neighbours ${ours.neighbors.toFixed(2)} s, total ${(ours.parse + ours.neighbors).toFixed(2)} s`);
  if (!existsSync("/usr/bin/python3")) {
    console.log("  pymatgen: skipped (/usr/bin/python3 not found)");
    return;
  }
  const r = spawnSync("/usr/bin/python3", ["-c", PY, dir, String(cutoff)], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.log(`  pymatgen: skipped (${(r.stderr || r.error?.message || "failed").trim().split("\n").pop()})`);
    return;
  }
  const py = JSON.parse(r.stdout.trim().split("\n").pop()!) as { parse: number; neighbors: number; sites: number; pairs: number; files: number };
  console.log(`  pymatgen:   parse ${py.parse.toFixed(2)} s, neighbours ${py.neighbors.toFixed(2)} s, total ${(py.parse + py.neighbors).toFixed(2)} s`);
  console.log(`  speed-up (pymatgen time / ours): parse ${(py.parse / ours.parse).toFixed(1)}×, neighbours ${(py.neighbors / ours.neighbors).toFixed(1)}×, total ${((py.parse + py.neighbors) / (ours.parse + ours.neighbors)).toFixed(1)}×`);
  const same = py.sites === sites && py.pairs === pairs;
  console.log(`  agreement: sites ${py.sites} vs ${sites}, pairs ${py.pairs} vs ${pairs} — ${same ? "identical" : "DIFFERENT"}`);
  if (!same) process.exitCode = 1;
}

main();
