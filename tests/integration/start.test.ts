import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ROOT,
  freePort,
  httpGet,
  isAlive,
  jupyterPidsOnPort,
  jupyterVersion,
  probe,
  runStart,
  stopStart,
} from "../fixtures/integration/jupyter";

const THREE_WAYS = [
  "pip install -r environment/requirements.txt",
  "conda env create -f environment/environment.yml",
  "sudo apt install jupyter-notebook",
];

/** The environment without anything that would let start.mjs find Jupyter or a package index by accident. */
function isolatedEnv(pathDir: string, venvDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("PIP_") || k.startsWith("JUPYTER") || k === "PYTHONPATH" || k.startsWith("PYENV")) continue;
    env[k] = v;
  }
  env.PATH = pathDir;
  env.BATTERY_MI_VENV_DIR = venvDir;
  return env;
}

test("npm start --help documents --port, --no-browser and --notebook-dir and exits 0", async () => {
  const w = runStart(["--help"]);
  const { code } = await w.exited(30_000);
  assert.equal(code, 0, w.output());
  for (const opt of ["--port <n>", "--no-browser", "--notebook-dir", "127.0.0.1", "token"]) {
    assert.ok(w.output().includes(opt), `--help mentions ${opt}:\n${w.output()}`);
  }
});

test("npm start rejects an unknown option and a bad port with exit code 2 and says what is valid", async () => {
  for (const args of [["--bogus"], ["--port", "99999"], ["--port", "abc"]]) {
    const w = runStart(args);
    const { code } = await w.exited(30_000);
    assert.equal(code, 2, `${args.join(" ")}:\n${w.output()}`);
    assert.match(w.output(), /--port/, `${args.join(" ")} names the valid options`);
  }
});

test("without Jupyter and without Python, npm start prints the three ways to get Jupyter and exits 1 quickly", { timeout: 120_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bmi-start-nojupyter-"));
  const emptyBin = path.join(tmp, "bin");
  fs.mkdirSync(emptyBin);
  const venv = path.join(tmp, "venv");
  try {
    const started = Date.now();
    const w = runStart(["--no-browser", "--port", String(await freePort())], isolatedEnv(emptyBin, venv));
    const { code } = await w.exited(90_000);
    const seconds = (Date.now() - started) / 1000;
    const out = w.output();
    assert.equal(code, 1, out);
    for (const way of THREE_WAYS) assert.ok(out.includes(way), `the message shows "${way}":\n${out}`);
    assert.match(out, /No Jupyter found \(tried: .*jupyter lab.*jupyter notebook/s);
    assert.match(out, /no python3 on PATH/);
    assert.ok(!fs.existsSync(venv), "no virtual environment was created");
    // Bounded: no network wait, no retries. (The lib build, if stale, is the slow part.)
    assert.ok(seconds < 60, `took ${seconds.toFixed(1)} s`);
    console.log(`# no-Jupyter path answered in ${seconds.toFixed(1)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("with Python but no reachable package index, npm start creates no venv and prints the three ways", { timeout: 180_000 }, async (t) => {
  // A Python that can make venvs but has no Jupyter (otherwise start.mjs would rightly use it).
  const real = probe("python3", ["-c", "import sys, venv, ensurepip; print(sys.executable)"]);
  if (!real) return t.skip("no python3 with venv and ensurepip on PATH");
  if (probe(real, ["-c", "import notebook"]) !== null || probe(real, ["-c", "import jupyterlab"]) !== null) {
    return t.skip(`${real} has Jupyter installed; cannot simulate a Python without Jupyter`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bmi-start-noindex-"));
  const bin = path.join(tmp, "bin");
  fs.mkdirSync(bin);
  fs.symlinkSync(real, path.join(bin, "python3"));
  const venv = path.join(tmp, "venv");
  // An index URL on a closed port: pip's connection is refused at once.
  const closedPort = await freePort();
  const env = {
    ...isolatedEnv(bin, venv),
    PIP_CONFIG_FILE: os.devNull,
    PIP_INDEX_URL: `http://127.0.0.1:${closedPort}/simple/`,
    PIP_NO_INPUT: "1",
  };
  try {
    const started = Date.now();
    const w = runStart(["--no-browser"], env);
    const { code } = await w.exited(150_000);
    const seconds = (Date.now() - started) / 1000;
    const out = w.output();
    assert.equal(code, 1, out);
    assert.match(out, /checking that the Python package index answers/, "it checked the index");
    assert.match(out, /no Python package index is reachable/, out);
    for (const way of THREE_WAYS) assert.ok(out.includes(way), `the message shows "${way}":\n${out}`);
    assert.ok(!fs.existsSync(venv), "no virtual environment is left behind");
    assert.ok(seconds < 60, `took ${seconds.toFixed(1)} s`);
    console.log(`# venv attempt with an unreachable index answered in ${seconds.toFixed(1)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("with Jupyter installed, npm start serves 127.0.0.1 with a token, writes nothing outside the project and stops on SIGINT", { timeout: 180_000 }, async (t) => {
  const version = jupyterVersion("lab") ?? jupyterVersion("notebook");
  if (!version) return t.skip("no Jupyter on PATH (jupyter lab / jupyter notebook); install e.g. Debian's jupyter-notebook");
  const port = await freePort();
  // A fresh HOME: anything Jupyter wrote outside the project would land there.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "bmi-start-home-"));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, BATTERY_MI_VENV_DIR: path.join(home, "no-venv") };
  for (const k of ["JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "JUPYTER_TOKEN", "XDG_RUNTIME_DIR", "XDG_DATA_HOME"]) {
    delete env[k];
  }
  const w = runStart(["--no-browser", "--port", String(port)], env);
  try {
    const m = await w.waitFor(/http:\/\/127\.0\.0\.1:(\d+)\/(tree|lab)\?token=([0-9a-f]{16,})/, 150_000, "the URL banner");
    const [url, shownPort, , token] = m;
    assert.equal(Number(shownPort), port, "the port asked for");
    const page = await httpGet(url);
    assert.ok(page.status === 200 || page.status === 302, `GET ${url} -> ${page.status}`);
    // Token authentication is on: the API refuses a request without it and accepts it with it.
    const noToken = await httpGet(`http://127.0.0.1:${port}/api/contents`);
    assert.equal(noToken.status, 403, "the API without token is refused");
    const withToken = await httpGet(`http://127.0.0.1:${port}/api/contents?token=${token}`);
    assert.equal(withToken.status, 200);
    assert.ok((JSON.parse(withToken.body) as { type: string }).type === "directory");
    // The project's TypeScript kernel is offered.
    const specs = JSON.parse((await httpGet(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`)).body) as {
      kernelspecs: Record<string, { resource_dir?: string; resources?: Record<string, string> }>;
    };
    assert.ok("tslab" in specs.kernelspecs, `kernelspecs: ${Object.keys(specs.kernelspecs).join(", ")}`);
    // Jupyter's runtime files are in the project.
    const pids = jupyterPidsOnPort(port);
    assert.equal(pids.length, 1, "one server-info file in .jupyter/runtime names this port");

    // Ctrl-C while requests are in flight: a SIGINT that reached Jupyter as a KeyboardInterrupt inside a request
    // handler used to make it exit 130 with a traceback during the kernel shutdown (a CI failure).
    const inFlight = Array.from({ length: 8 }, () => httpGet(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`).catch(() => null));
    await new Promise((r) => setTimeout(r, 5));
    process.kill(w.child.pid!, "SIGINT");
    await Promise.all(inFlight);
    const { code, signal } = await w.exited(60_000);
    assert.equal(signal, null, w.output());
    assert.equal(code, 0, `exit code of Jupyter passed on:\n${w.output()}`);
    assert.ok(!isAlive(pids[0]), "the Jupyter server is gone");
    const leftovers = fs.readdirSync(home).filter((n) => n !== "no-venv");
    assert.deepEqual(leftovers, [], `nothing written to HOME (${home})`);
    assert.ok(fs.existsSync(path.join(ROOT, ".jupyter", "runtime")));
  } finally {
    await stopStart(w, port);
    fs.rmSync(home, { recursive: true, force: true });
  }
});
