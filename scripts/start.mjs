// `npm start`: prepares the project (npm dependencies, the battery-mi build, the TypeScript kernel registered in
// .jupyter/), then starts Jupyter on 127.0.0.1 with token authentication, rooted at notebooks/, and prints its URL.
//
//   npm start                       JupyterLab when installed, else the classic Notebook
//   npm start -- --port 9999        a fixed port (fails if it is taken, instead of silently moving)
//   npm start -- --no-browser       do not open a browser tab (print the URL only)
//   npm start -- --notebook-dir d   serve folder d instead of notebooks/ (it must be inside the project, so that
//                                   `import ... from "battery-mi/..."` resolves)
//   npm start -- --help
//
// Jupyter is looked for in environment/.venv, then on PATH (`jupyter lab`, `python3 -m jupyterlab`,
// `jupyter notebook`, `python3 -m notebook`). When none is found, environment/.venv is created from
// environment/requirements.txt if Python and a package index are available; otherwise the ways to install
// Jupyter are printed and the exit code is 1.
//
// Nothing is written outside the project: Jupyter's config, data (cookie secret, notebook signatures) and runtime
// (connection files) directories, and IPython's, are all placed under .jupyter/. The user's own kernels stay
// visible because their data directory is added to JUPYTER_PATH (read-only).
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, JUPYTER_DIR, JUPYTER_DATA_DIR, setupAll, jupyterEnv } from "./setup.mjs";

const IS_WINDOWS = process.platform === "win32";
const NOTEBOOKS_DIR = path.join(ROOT, "notebooks");
const REQUIREMENTS = path.join(ROOT, "environment", "requirements.txt");
/** The virtual environment npm start uses and creates. BATTERY_MI_VENV_DIR moves it (used by the tests). */
const VENV_DIR = process.env.BATTERY_MI_VENV_DIR ? path.resolve(process.env.BATTERY_MI_VENV_DIR) : path.join(ROOT, "environment", ".venv");
const VENV_MARKER = ".created-by-npm-start";
/** How the venv is named in messages: relative to the project when inside it. */
const VENV_NAME = (() => {
  const rel = path.relative(ROOT, VENV_DIR);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : VENV_DIR;
})();
const PROBE_TIMEOUT_MS = 30_000;
const DEFAULT_PORT = 8888;

const HELP = `Usage: npm start [-- options]      (or: node scripts/start.mjs [options])

Prepares the project (npm dependencies, battery-mi build, TypeScript kernel in .jupyter/) and starts Jupyter
on 127.0.0.1 with token authentication, rooted at notebooks/. Stop it with Ctrl-C.

Options:
  --port <n>      listen on port n (1-65535); fails if the port is taken. Default: ${DEFAULT_PORT}, or the next free one
  --no-browser    do not open a browser; just print the URL
  --notebook-dir <dir>
                  serve <dir> instead of notebooks/ (inside the project, so notebooks can import battery-mi)
  -h, --help      show this help

Jupyter is taken from environment/.venv, else from PATH (JupyterLab preferred, then the classic Notebook).
Without Jupyter, npm start creates environment/.venv from environment/requirements.txt when it can, or prints
how to install Jupyter (see environment/README.md).`;

function log(msg) {
  console.log(`[start] ${msg}`);
}

/** Parses the command line; exits with code 2 and a message on anything it does not understand. */
export function parseArgs(argv) {
  const opts = { port: DEFAULT_PORT, portExplicit: false, browser: true, help: false, notebookDir: NOTEBOOKS_DIR };
  const fail = (msg) => {
    console.error(`[start] ${msg}\n\n${HELP}`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") opts.help = true;
    else if (a === "--no-browser") opts.browser = false;
    else if (a === "--port" || a.startsWith("--port=")) {
      const value = a === "--port" ? argv[++i] : a.slice("--port=".length);
      if (value === undefined) fail("--port needs a value, e.g. --port 9999");
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
        fail(`--port must be an integer from 1 to 65535, got "${value}"`);
      }
      opts.port = Number(value);
      opts.portExplicit = true;
    } else if (a === "--notebook-dir" || a.startsWith("--notebook-dir=")) {
      const value = a === "--notebook-dir" ? argv[++i] : a.slice("--notebook-dir=".length);
      if (!value) fail("--notebook-dir needs a folder, e.g. --notebook-dir notebooks");
      const dir = path.resolve(value);
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`--notebook-dir: "${value}" is not a folder`);
      const rel = path.relative(ROOT, dir);
      if (rel.startsWith("..") || path.isAbsolute(rel)) {
        fail(`--notebook-dir: "${value}" is outside the project (${ROOT}); notebooks there cannot import battery-mi`);
      }
      opts.notebookDir = dir;
    } else fail(`unknown option "${a}" (valid: --port <n>, --no-browser, --notebook-dir <dir>, --help)`);
  }
  return opts;
}

function venvBin(name) {
  return IS_WINDOWS ? path.join(VENV_DIR, "Scripts", `${name}.exe`) : path.join(VENV_DIR, "bin", name);
}

const PYTHONS = IS_WINDOWS ? ["python", "py"] : ["python3", "python"];

/** Runs `cmd args` briefly; returns its trimmed stdout when it exits 0, else null. Never throws. */
function probe(cmd, args, timeout = PROBE_TIMEOUT_MS) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout, stdio: ["ignore", "pipe", "pipe"], env: process.env });
  if (r.error || r.status !== 0) return null;
  return (r.stdout || "").trim();
}

/** First "x.y..." version in a --version output, or null when the output is not a version. */
function versionOf(out) {
  if (out === null) return null;
  const line = out.split(/\r?\n/).reverse().find((l) => /^\d+\.\d+/.test(l.trim()));
  return line ? line.trim() : null;
}

/**
 * Finds a Jupyter front end. JupyterLab first (environment/.venv, `jupyter lab`, `python3 -m jupyterlab`),
 * then the classic Notebook likewise. Returns { kind, version, cmd, args, label } or null; `tried` collects
 * what was attempted, for the message when nothing is found.
 */
export function findJupyter(tried = []) {
  const venvJupyter = venvBin("jupyter");
  const hasVenv = fs.existsSync(venvJupyter);
  for (const [kind, sub, mod, name] of [
    ["lab", "lab", "jupyterlab", "JupyterLab"],
    ["notebook", "notebook", "notebook", "Jupyter Notebook"],
  ]) {
    const candidates = [];
    if (hasVenv) candidates.push({ cmd: venvJupyter, args: [sub], label: `${path.join(VENV_NAME, path.relative(VENV_DIR, venvJupyter))} ${sub}` });
    candidates.push({ cmd: "jupyter", args: [sub], label: `jupyter ${sub}` });
    for (const py of PYTHONS) candidates.push({ cmd: py, args: ["-m", mod], label: `${py} -m ${mod}` });
    for (const c of candidates) {
      tried.push(c.label);
      const version = versionOf(probe(c.cmd, [...c.args, "--version"]));
      if (version) return { kind, version, cmd: c.cmd, args: c.args, label: c.label, name };
    }
  }
  return null;
}

/** A Python (>= 3.9) on PATH that can create virtual environments with pip, or a reason why there is none. */
function findVenvPython() {
  const reasons = [];
  for (const py of PYTHONS) {
    const out = probe(py, ["-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"]);
    if (out === null) {
      const exists = probe(py, ["--version"]) !== null;
      reasons.push(exists ? `${py} cannot create virtual environments (no venv/ensurepip module; Debian/Ubuntu: sudo apt install python3-venv)` : `no ${py} on PATH`);
      continue;
    }
    const [major, minor] = out.split(".").map(Number);
    if (major < 3 || (major === 3 && minor < 9)) {
      reasons.push(`${py} is Python ${out}; JupyterLab 4 needs Python >= 3.9`);
      continue;
    }
    return { python: py };
  }
  return { reason: reasons.join("; ") };
}

function removeOurVenv() {
  if (fs.existsSync(path.join(VENV_DIR, VENV_MARKER))) fs.rmSync(VENV_DIR, { recursive: true, force: true });
}

/**
 * Whether a Python package index answers, asked through `python -m pip index versions jupyterlab` (so pip's own
 * configuration, proxies and PIP_* variables apply). --retries 0 and short timeouts keep an offline machine from
 * waiting minutes. Returns null when it answers (or this pip cannot tell), else the reason.
 */
function indexUnreachable(python) {
  const check = spawnSync(
    python,
    ["-m", "pip", "index", "versions", "jupyterlab", "--timeout", "8", "--retries", "0", "--disable-pip-version-check"],
    { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] },
  );
  const out = `${check.stdout || ""}\n${check.stderr || ""}`;
  if (/unknown command|no such option/i.test(out)) return null; // an old pip without `index`: let the install tell
  if (!check.error && check.status === 0 && /jupyterlab/i.test(check.stdout || "")) return null;
  const last = out.trim().split(/\r?\n/).filter(Boolean).pop() || (check.error ? check.error.message : "no output");
  return `no Python package index is reachable (pip index versions jupyterlab: ${last})`;
}

/**
 * Creates (or completes) the virtual environment from environment/requirements.txt, after checking quickly that
 * a package index answers (with the system pip when there is one, so nothing is created offline). Returns
 * { ok: true } or { ok: false, reason }.
 */
function createVenv() {
  const venvPython = venvBin("python");
  const venvName = VENV_NAME;
  if (!fs.existsSync(VENV_DIR)) {
    const found = findVenvPython();
    if (!found.python) return { ok: false, reason: found.reason };
    if (probe(found.python, ["-m", "pip", "--version"]) !== null) {
      log("no Jupyter found: checking that the Python package index answers (pip index versions jupyterlab) ...");
      const unreachable = indexUnreachable(found.python);
      if (unreachable) return { ok: false, reason: unreachable };
    }
    log(`creating ${venvName} (${found.python} -m venv) ...`);
    const r = spawnSync(found.python, ["-m", "venv", VENV_DIR], { stdio: "inherit", timeout: 300_000 });
    if (r.error || r.status !== 0) {
      fs.rmSync(VENV_DIR, { recursive: true, force: true });
      return { ok: false, reason: `${found.python} -m venv ${VENV_DIR} failed (${r.error ? r.error.message : `exit code ${r.status}`})` };
    }
    fs.writeFileSync(path.join(VENV_DIR, VENV_MARKER), "Created by scripts/start.mjs; safe to delete.\n");
  } else if (probe(venvPython, ["--version"]) === null) {
    if (fs.existsSync(path.join(VENV_DIR, VENV_MARKER))) {
      removeOurVenv();
      return createVenv();
    }
    return { ok: false, reason: `${VENV_DIR} exists but its Python does not run; delete it or fix it` };
  } else {
    log(`${venvName} exists but has no Jupyter: installing into it ...`);
  }

  const unreachable = indexUnreachable(venvPython);
  if (unreachable) {
    removeOurVenv();
    return { ok: false, reason: unreachable };
  }
  log(`installing Jupyter (pip install -r environment/requirements.txt) into ${venvName} ...`);
  const install = spawnSync(venvPython, ["-m", "pip", "install", "--disable-pip-version-check", "-r", REQUIREMENTS], { stdio: "inherit" });
  if (install.error || install.status !== 0) {
    removeOurVenv();
    return { ok: false, reason: `pip install -r environment/requirements.txt failed (${install.error ? install.error.message : `exit code ${install.status}`})` };
  }
  return { ok: true };
}

function printWaysToGetJupyter(tried, reason) {
  const venv = VENV_NAME;
  console.error(`
[start] No Jupyter found (tried: ${tried.join(", ")}).
[start] ${venv} could not be created automatically: ${reason}.

Install Jupyter in one of these ways, then run \`npm start\` again:

  1. pip (JupyterLab 4 + Notebook 7):
       pip install -r environment/requirements.txt
     or into the virtual environment npm start looks for:
       python3 -m venv environment/.venv && environment/.venv/bin/pip install -r environment/requirements.txt

  2. conda / mamba (Python, Node.js >= 20.19, JupyterLab 4):
       conda env create -f environment/environment.yml && conda activate battery-mi

  3. Debian / Ubuntu (classic Notebook 6):
       sudo apt install jupyter-notebook

More in environment/README.md.`);
}

/** Jupyter's per-user data directory (where its kernels live), as jupyter_core computes it. */
function userJupyterDataDir(env) {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (IS_WINDOWS) return path.join(env.APPDATA || path.join(home, "AppData", "Roaming"), "jupyter");
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

/**
 * The environment Jupyter runs with: the project's kernels first on JUPYTER_PATH, every directory Jupyter or
 * IPython would write to inside .jupyter/ (unless the user chose one explicitly), and a fresh random token.
 */
export function jupyterRunEnv(base = process.env) {
  const env = jupyterEnv(base);
  const userData = userJupyterDataDir(base);
  env.JUPYTER_PATH = [...env.JUPYTER_PATH.split(path.delimiter), userData].filter((p, i, all) => p && all.indexOf(p) === i).join(path.delimiter);
  env.JUPYTER_DATA_DIR = base.JUPYTER_DATA_DIR || JUPYTER_DATA_DIR;
  env.JUPYTER_CONFIG_DIR = base.JUPYTER_CONFIG_DIR || path.join(JUPYTER_DIR, "config");
  env.JUPYTER_RUNTIME_DIR = base.JUPYTER_RUNTIME_DIR || path.join(JUPYTER_DIR, "runtime");
  env.IPYTHONDIR = base.IPYTHONDIR || path.join(JUPYTER_DIR, "ipython");
  env.JUPYTER_TOKEN = base.JUPYTER_TOKEN || crypto.randomBytes(24).toString("hex");
  env.PYTHONUNBUFFERED = "1";
  return env;
}

/** Waits for the server-info file Jupyter writes once it listens (nbserver-<pid>.json / jpserver-<pid>.json). */
function waitForServerInfo(child, runtimeDir, startedAt, rootDir) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (info) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      resolve(info);
    };
    child.once("exit", () => finish(null));
    const timer = setInterval(() => {
      let names = [];
      try {
        names = fs.readdirSync(runtimeDir).filter((n) => /^(nb|jp)server-\d+\.json$/.test(n));
      } catch {
        return;
      }
      for (const n of names) {
        const file = path.join(runtimeDir, n);
        try {
          const info = JSON.parse(fs.readFileSync(file, "utf8"));
          const root = path.resolve(info.root_dir || info.notebook_dir || "");
          // On Unix `jupyter lab` exec()s jupyter-lab, so the pid is the child's; on Windows it is a grandchild.
          const ours = info.pid === child.pid || (IS_WINDOWS && root === rootDir && fs.statSync(file).mtimeMs >= startedAt);
          if (ours && info.port) return finish(info);
        } catch {
          // being written; try again on the next tick
        }
      }
    }, 250);
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(HELP);
    return;
  }

  setupAll();

  const tried = [];
  let jupyter = findJupyter(tried);
  if (!jupyter) {
    const created = createVenv();
    if (!created.ok) {
      printWaysToGetJupyter([...new Set(tried)], created.reason);
      process.exit(1);
    }
    jupyter = findJupyter([]);
    if (!jupyter) {
      printWaysToGetJupyter([...new Set(tried)], `${VENV_DIR} was set up but has no working jupyter`);
      process.exit(1);
    }
  }
  log(`using ${jupyter.name} ${jupyter.version} (${jupyter.label})`);

  const env = jupyterRunEnv(process.env);
  const args = [
    ...jupyter.args,
    "--ip=127.0.0.1",
    `--port=${opts.port}`,
    `--notebook-dir=${opts.notebookDir}`,
    ...(opts.portExplicit ? ["--port-retries=0"] : []),
    ...(opts.browser ? [] : ["--no-browser"]),
    // Jupyter refuses to run as root without this (containers, CI); say so rather than fail.
    ...(typeof process.getuid === "function" && process.getuid() === 0 ? ["--allow-root"] : []),
  ];
  if (args.includes("--allow-root")) log("running as root: passing --allow-root to Jupyter");
  const startedAt = Date.now();
  // Own process group (Unix): a terminal Ctrl-C reaches npm, this script and Jupyter at once, and npm forwards
  // it again; with its own group Jupyter gets exactly the one signal forwarded below. That signal is SIGTERM, also
  // for a Ctrl-C: with stdin not a terminal Jupyter installs no SIGINT handler, so a SIGINT becomes a Python
  // KeyboardInterrupt wherever the server happens to be — inside a request handler it is stored in that request's
  // future and raised a second time during the kernel shutdown, and Jupyter exits 130 with a traceback (seen in
  // CI). SIGTERM goes to Jupyter's own handler, which stops the event loop and then shuts the kernels down.
  const child = spawn(jupyter.cmd, args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"], detached: !IS_WINDOWS });

  let lastSignalAt = 0;
  let forwarded = 0;
  const forward = (sig) => {
    const now = Date.now();
    if (now - lastSignalAt < 1000) return; // the same Ctrl-C delivered twice (terminal + npm)
    lastSignalAt = now;
    forwarded++;
    const toSend = forwarded <= 2 ? "SIGTERM" : "SIGKILL";
    if (forwarded === 1) log("stopping Jupyter (it shuts its kernels down) ... press Ctrl-C again to force");
    try {
      child.kill(toSend);
    } catch {
      // already gone
    }
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => forward(sig));
  process.on("exit", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });

  child.on("error", (err) => {
    console.error(`[start] could not start ${jupyter.label}: ${err.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (forwarded === 0 && code !== 0) {
      console.error(`[start] ${jupyter.name} exited with ${signal ? `signal ${signal}` : `code ${code}`} (its messages are above).`);
    }
    process.exit(code ?? 128 + (os.constants.signals[signal] || 0));
  });

  const info = await waitForServerInfo(child, env.JUPYTER_RUNTIME_DIR, startedAt, opts.notebookDir);
  if (!info) return; // exited; the exit handler reports it
  const base = (info.base_url || "/").replace(/\/?$/, "/");
  const page = jupyter.kind === "lab" ? "lab" : "tree";
  const url = `http://127.0.0.1:${info.port}${base}${page}?token=${info.token}`;
  const line = "=".repeat(Math.min(100, url.length + 4));
  console.log(`\n${line}\n  Battery MI notebooks: ${jupyter.name} ${jupyter.version} is running at\n\n  ${url}\n\n` +
    `  Open that URL in a browser${opts.browser ? " (a tab should open by itself)" : ""}. Kernel: TypeScript (tslab).\n` +
    `  Stop the server with Ctrl-C.\n${line}\n`);
  if (opts.portExplicit === false && info.port !== opts.port) log(`port ${opts.port} was taken; Jupyter chose ${info.port}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`[start] ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
}
