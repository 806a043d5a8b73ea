import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { JUPYTER_DATA_DIR, ROOT, jupyterVersion, pythonWith, watch } from "../fixtures/integration/jupyter";

// Jupyter conformance of the course set-up, with the standard Python tooling (Debian's packages):
//  (a) `jupyter nbconvert --execute` runs a notebook that imports battery-mi and shows a plot, through the
//      kernel registered in .jupyter/ (JUPYTER_PATH), like a participant's Jupyter would;
//  (b) jupyter_kernel_test checks the tslab kernel against the messaging protocol (tslab_kernel_test.py, which
//      lists tslab's known deviations; everything else must pass).

const FIXTURE = path.join(ROOT, "tests", "fixtures", "integration", "conformance_plot.ipynb");
const OUT_DIR = path.join(ROOT, "build", "conformance");
const KERNEL_TEST = path.join(ROOT, "tests", "integration", "tslab_kernel_test.py");

function jupyterChildEnv(): NodeJS.ProcessEnv {
  const extra = process.env.JUPYTER_PATH ? process.env.JUPYTER_PATH.split(path.delimiter) : [];
  return {
    ...process.env,
    JUPYTER_PATH: [JUPYTER_DATA_DIR, ...extra.filter((p) => p !== JUPYTER_DATA_DIR)].join(path.delimiter),
    JUPYTER_RUNTIME_DIR: path.join(ROOT, ".jupyter", "runtime"),
    JUPYTER_CONFIG_DIR: path.join(ROOT, ".jupyter", "config"),
    JUPYTER_DATA_DIR: JUPYTER_DATA_DIR,
    IPYTHONDIR: path.join(ROOT, ".jupyter", "ipython"),
    PYTHONUNBUFFERED: "1",
  };
}

interface NbOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}
interface NbCell {
  cell_type: string;
  id?: string;
  source: string | string[];
  outputs?: NbOutput[];
}

const joined = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : (s ?? ""));

test("jupyter nbconvert --execute runs a notebook that imports battery-mi and shows a plotly figure, via the project's kernel", { timeout: 150_000 }, async (t) => {
  const version = jupyterVersion("nbconvert");
  if (!version) return t.skip("jupyter nbconvert not installed (Debian: jupyter-nbconvert, python3-nbclient)");
  assert.ok(fs.existsSync(path.join(JUPYTER_DATA_DIR, "kernels", "tslab", "kernel.json")), "kernel registered (npm test does it)");
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const outName = "conformance_plot.executed.ipynb";
  const outFile = path.join(OUT_DIR, outName);
  fs.rmSync(outFile, { force: true });
  const started = Date.now();
  const child = spawn(
    "jupyter",
    [
      "nbconvert", "--to", "notebook", "--execute", FIXTURE,
      "--output-dir", OUT_DIR, "--output", outName,
      "--ExecutePreprocessor.timeout=100", "--ExecutePreprocessor.startup_timeout=100",
      "--ExecutePreprocessor.kernel_name=tslab",
    ],
    { cwd: ROOT, env: jupyterChildEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  const w = watch(child, "[nbconvert] ");
  let exit;
  try {
    exit = await w.exited(130_000);
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
  }
  const seconds = (Date.now() - started) / 1000;
  assert.equal(exit.code, 0, `nbconvert ${version} failed:\n${w.output()}`);
  console.log(`# nbconvert ${version} executed ${path.relative(ROOT, FIXTURE)} in ${seconds.toFixed(1)} s -> ${path.relative(ROOT, outFile)}`);

  const nb = JSON.parse(fs.readFileSync(outFile, "utf8")) as { cells: NbCell[] };
  const code = nb.cells.filter((c) => c.cell_type === "code");
  assert.ok(code.length >= 4);
  for (const cell of code) {
    const outputs = cell.outputs ?? [];
    assert.ok(outputs.length > 0, `cell ${cell.id} has output`);
    const bad = outputs.filter((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"));
    assert.deepEqual(bad, [], `cell ${cell.id} wrote no error / stderr: ${JSON.stringify(bad).slice(0, 2000)}`);
  }
  const byId = new Map(code.map((c) => [c.id, c]));
  const text = (id: string) => (byId.get(id)?.outputs ?? []).map((o) => joined(o.text)).join("");
  assert.match(text("versions"), /^battery-mi \d+\.\d+\.\d+ on Node\.js v\d+/);
  assert.match(text("data"), /^B0005: 168 discharges, capacity 1\.856 -> 1\.325 A\.h/);
  const rich = byId.get("rich")?.outputs ?? [];
  assert.ok(rich.some((o) => o.output_type === "display_data" && o.data && "text/markdown" in o.data), "markdown display_data");
  const html = (byId.get("plot")?.outputs ?? [])
    .filter((o) => o.output_type === "display_data" && o.data && "text/html" in o.data)
    .map((o) => joined(o.data!["text/html"]));
  assert.ok(html.some((h) => /plotly\.js bundle v\d/.test(h)), "the plotly bundle is sent once, inline (offline)");
  assert.ok(html.some((h) => h.includes("battery-mi-plot") && h.includes("B0005 capacity fade")), "the figure's own div");
});

test("the tslab kernel passes jupyter_kernel_test except for its listed deviations", { timeout: 280_000 }, async (t) => {
  const python = pythonWith("jupyter_kernel_test", "jupyter_client");
  if (!python) return t.skip("jupyter_kernel_test not importable (Debian: python3-jupyter-kernel-test)");
  assert.ok(fs.existsSync(path.join(JUPYTER_DATA_DIR, "kernels", "tslab", "kernel.json")), "kernel registered (npm test does it)");
  const started = Date.now();
  // tslab_kernel_test.py has a watchdog (KERNEL_TEST_DEADLINE) that kills the kernel before giving up, since the
  // kernel runs in a session of its own and would survive a kill of python.
  const child = spawn(python, ["-m", "unittest", "-v", path.relative(ROOT, KERNEL_TEST)], {
    cwd: ROOT,
    env: { ...jupyterChildEnv(), KERNEL_TEST_DEADLINE: "240" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const w = watch(child, "[kernel_test] ");
  let exit;
  try {
    exit = await w.exited(260_000);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  const seconds = (Date.now() - started) / 1000;
  const out = w.output();
  assert.equal(exit.code, 0, `jupyter_kernel_test failed (python ${python}):\n${out}`);
  const ran = out.match(/^Ran (\d+) tests? in/m);
  assert.ok(ran && Number(ran[1]) >= 15, `ran the checks:\n${out}`);
  // Every skip must be a listed deviation or a feature tslab lacks -- never a silent skip.
  const skips = [...out.matchAll(/^(test_\w+) .*\.\.\. skipped (.*)$/gm)].map((m) => [m[1], m[2]] as const);
  for (const [name, why] of skips) {
    assert.match(why, /known tslab deviation|not applicable/, `${name} skipped without a listed reason: ${why}`);
  }
  const passed = [...out.matchAll(/^(test_\w+) .*\.\.\. ok$/gm)].map((m) => m[1]);
  for (const must of ["test_execute_stdout", "test_execute_stderr", "test_completion", "test_display_data", "test_inspect", "test_is_complete"]) {
    assert.ok(passed.includes(must), `${must} passed:\n${out}`);
  }
  const passedCount = (out.match(/\.\.\. ok$/gm) ?? []).length;
  console.log(`# jupyter_kernel_test: ${passedCount} passed, ${skips.length} skipped as deviations/not applicable, in ${seconds.toFixed(1)} s`);
  for (const [name, why] of skips) console.log(`#   ${name}: ${why.replace(/^["']|["']$/g, "").slice(0, 160)}`);
});
