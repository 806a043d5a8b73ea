import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { ROOT, freePort, jupyterVersion, runStart, stopStart } from "../fixtures/integration/jupyter";

// A course participant's first steps, in a real browser: `npm start`, open notebook 00, keep the TypeScript
// kernel, Cell -> Run All, wait until every cell has run, see the interactive plot, no cell shows an error.
// Debian's Chromium (headless) driven by playwright-core; the server is scripts/start.mjs itself, serving a copy
// of the notebook in build/browser/ (inside the project, so `battery-mi` resolves; the committed notebook is
// never saved to). The screenshot lands in build/screenshots/.

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const COURSE_NOTEBOOK = path.join(ROOT, "notebooks", "00_getting_started.ipynb");
const FIXTURE_NOTEBOOK = path.join(ROOT, "tests", "fixtures", "integration", "conformance_plot.ipynb");
const WORK_DIR = path.join(ROOT, "build", "browser");
const SHOT_DIR = path.join(ROOT, "build", "screenshots");

/** Generous, for a loaded 2-core machine: the kernel takes ~10 s to start, notebook 00 about a minute to run. */
const SERVER_TIMEOUT_MS = 120_000;
const KERNEL_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 240_000;
const PLOT_TIMEOUT_MS = 60_000;

interface CellState {
  prompts: string[];
  kernelName: string;
  kernelIcon: string;
}

interface Problem {
  cell: number;
  kind: string;
  text: string;
}

class Diagnostics {
  console: string[] = [];
  attach(page: Page) {
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") this.console.push(`[${m.type()}] ${m.text()}`);
    });
    page.on("pageerror", (e) => this.console.push(`[pageerror] ${e.message}`));
  }
  report(): string {
    return this.console.length ? `\nBrowser console (errors/warnings):\n  ${this.console.slice(-40).join("\n  ")}` : "";
  }
}

async function classicState(page: Page): Promise<CellState> {
  return page.evaluate(() => ({
    prompts: Array.from(document.querySelectorAll("#notebook-container .code_cell .input_prompt")).map((e) => (e.textContent ?? "").replace(/\s+/g, " ").trim()),
    kernelName: (document.querySelector(".kernel_indicator_name")?.textContent ?? "").trim(),
    kernelIcon: document.querySelector("#kernel_indicator_icon")?.className ?? "",
  }));
}

/** Classic Notebook 6: the kernel from the notebook's metadata; if Jupyter asks, pick TypeScript. */
async function classicEnsureKernel(page: Page, diag: Diagnostics): Promise<void> {
  const deadline = Date.now() + KERNEL_TIMEOUT_MS;
  let state = await classicState(page);
  while (Date.now() < deadline) {
    const selector = page.locator(".modal.in select");
    if (await selector.count()) {
      // "Kernel not found": choose TypeScript and confirm, as a participant would.
      await selector.first().selectOption({ label: "TypeScript" });
      await page.locator(".modal.in .modal-footer button.btn-primary").first().click();
    }
    state = await classicState(page);
    if (state.kernelName === "TypeScript" && /kernel_idle_icon/.test(state.kernelIcon)) return;
    await page.waitForTimeout(500);
  }
  throw new Error(`the TypeScript kernel did not become idle within ${KERNEL_TIMEOUT_MS / 1000} s (indicator: ` +
    `"${state.kernelName}", ${state.kernelIcon})${diag.report()}`);
}

/** Cell -> Run All from the menu bar; waits until no cell is queued or running and the kernel is idle. */
async function classicRunAll(page: Page, diag: Diagnostics): Promise<CellState> {
  await page.locator("#celllink").click();
  await page.locator("#run_all_cells > a").click();
  return waitForRun(page, diag, classicState, (icon) => /kernel_idle_icon/.test(icon));
}

async function classicProblems(page: Page): Promise<Problem[]> {
  return page.evaluate(() => {
    const out: { cell: number; kind: string; text: string }[] = [];
    document.querySelectorAll("#notebook-container .code_cell").forEach((cell, i) => {
      cell.querySelectorAll(".output_error, .output_stderr").forEach((o) => {
        out.push({ cell: i, kind: o.classList.contains("output_error") ? "error" : "stderr", text: (o.textContent ?? "").slice(0, 1500) });
      });
    });
    return out;
  });
}

// ---- JupyterLab 4 and Notebook 7 (same widgets) -------------------------------------------------------------

async function labState(page: Page): Promise<CellState> {
  return page.evaluate(() => ({
    prompts: Array.from(document.querySelectorAll(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")).map((e) => (e.textContent ?? "").replace(/\s+/g, " ").trim()),
    kernelName: (document.querySelector(".jp-Toolbar-kernelName")?.textContent ?? "").trim(),
    kernelIcon: document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") ?? "",
  }));
}

async function labEnsureKernel(page: Page, diag: Diagnostics): Promise<void> {
  const deadline = Date.now() + KERNEL_TIMEOUT_MS;
  let state = await labState(page);
  while (Date.now() < deadline) {
    const dialog = page.locator(".jp-Dialog select");
    if (await dialog.count()) {
      await dialog.first().selectOption({ label: "TypeScript" });
      await page.locator(".jp-Dialog .jp-mod-accept").first().click();
    }
    state = await labState(page);
    if (state.kernelName === "TypeScript" && state.kernelIcon === "idle") return;
    await page.waitForTimeout(500);
  }
  throw new Error(`the TypeScript kernel did not become idle within ${KERNEL_TIMEOUT_MS / 1000} s (toolbar: ` +
    `"${state.kernelName}", status ${state.kernelIcon})${diag.report()}`);
}

/** Run -> Run All Cells from the menu bar; waits until no cell is queued or running and the kernel is idle. */
async function labRunAll(page: Page, diag: Diagnostics): Promise<CellState> {
  await page.locator(".jp-Notebook").first().click();
  await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).first().click();
  await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).first().click();
  return waitForRun(page, diag, labState, (s) => s === "idle");
}

async function labProblems(page: Page): Promise<Problem[]> {
  return page.evaluate(() => {
    const out: { cell: number; kind: string; text: string }[] = [];
    document.querySelectorAll(".jp-Notebook .jp-CodeCell").forEach((cell, i) => {
      cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').forEach((o) => {
        out.push({ cell: i, kind: "stderr/error", text: (o.textContent ?? "").slice(0, 1500) });
      });
    });
    return out;
  });
}

/** Polls the page until Run All has started and finished: no "[*]" prompt and the kernel idle for a second. */
async function waitForRun(
  page: Page,
  diag: Diagnostics,
  read: (page: Page) => Promise<CellState>,
  isIdle: (icon: string) => boolean,
): Promise<CellState> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let started = false;
  let idleSince = 0;
  let state = await read(page);
  while (Date.now() < deadline) {
    state = await read(page);
    const running = state.prompts.some((p) => p.includes("[*]"));
    const allDone = state.prompts.length > 0 && state.prompts.every((p) => /\[\d+\]/.test(p));
    if (running || allDone) started = true;
    if (started && !running && isIdle(state.kernelIcon)) {
      // idle twice a second apart: the last cell's outputs have arrived
      if (idleSince && Date.now() - idleSince > 1000) return state;
      idleSince = idleSince || Date.now();
    } else idleSince = 0;
    await page.waitForTimeout(500);
  }
  throw new Error(`Run All did not finish within ${RUN_TIMEOUT_MS / 1000} s; prompts: ${state.prompts.join(" | ")}${diag.report()}`);
}


test("a participant runs notebook 00 in Jupyter through the browser: TypeScript kernel, Run All, plot visible, no errors", { timeout: 480_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM)) return t.skip(`${CHROMIUM} not installed (Debian: chromium)`);
  const venv = process.env.BATTERY_MI_VENV_DIR ?? path.join(ROOT, "environment", ".venv");
  const onPath = jupyterVersion("notebook") ?? jupyterVersion("lab");
  if (!onPath && !fs.existsSync(path.join(venv, "bin", "jupyter"))) return t.skip("no Jupyter on PATH (jupyter notebook / jupyter lab); install e.g. Debian's jupyter-notebook");

  const source = fs.existsSync(COURSE_NOTEBOOK) ? COURSE_NOTEBOOK : FIXTURE_NOTEBOOK;
  const name = path.basename(source);
  fs.rmSync(WORK_DIR, { recursive: true, force: true });
  fs.mkdirSync(WORK_DIR, { recursive: true });
  fs.copyFileSync(source, path.join(WORK_DIR, name));
  fs.mkdirSync(SHOT_DIR, { recursive: true });
  const shot = path.join(SHOT_DIR, name.replace(/\.ipynb$/, ".png"));
  fs.rmSync(shot, { force: true });
  const sourceText = fs.readFileSync(source, "utf8");
  const nb = JSON.parse(sourceText) as { cells: { cell_type: string; source: string | string[] }[] };
  const codeCells = nb.cells.filter((c) => c.cell_type === "code");
  const plotCells = codeCells.filter((c) => /\bshow\(/.test(Array.isArray(c.source) ? c.source.join("") : c.source)).length;

  const port = await freePort();
  const started = Date.now();
  const server = runStart(["--no-browser", "--port", String(port), "--notebook-dir", path.relative(ROOT, WORK_DIR)]);
  let browser: Browser | undefined;
  const diag = new Diagnostics();
  try {
    const m = await server.waitFor(/http:\/\/127\.0\.0\.1:(\d+)\/(tree|lab)\?token=([0-9a-f]{16,})/, SERVER_TIMEOUT_MS, "npm start's URL");
    const [, , ui, token] = m;
    const chosen = server.output().match(/\[start\] using (.+?) \(/)?.[1] ?? "Jupyter";
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    diag.attach(page);
    page.setDefaultTimeout(30_000);
    const base = `http://127.0.0.1:${port}`;
    // JupyterLab (/lab) or the Notebook front end (/tree): classic Notebook 6, or Notebook 7 with Lab's widgets.
    const url = ui === "lab" ? `${base}/lab/tree/${encodeURIComponent(name)}?token=${token}` : `${base}/notebooks/${encodeURIComponent(name)}?token=${token}`;
    await page.goto(url, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("#notebook-container .code_cell, .jp-Notebook .jp-CodeCell", { timeout: 90_000 });
    const classic = (await page.locator("#notebook-container").count()) > 0;
    const driver = classic
      ? { ensureKernel: classicEnsureKernel, runAll: classicRunAll, problems: classicProblems, ui: chosen }
      : { ensureKernel: labEnsureKernel, runAll: labRunAll, problems: labProblems, ui: chosen };
    await driver.ensureKernel(page, diag);
    const kernelReadyAt = Date.now();
    const state = await driver.runAll(page, diag);
    const ranAt = Date.now();

    const problems = await driver.problems(page);
    assert.deepEqual(problems, [], `cells with errors or stderr output:\n${problems.map((p) => `cell ${p.cell} (${p.kind}): ${p.text}`).join("\n")}${diag.report()}`);
    assert.equal(state.prompts.length, codeCells.length, "every code cell is on the page");
    const unnumbered = state.prompts.map((p, i) => [i, p] as const).filter(([, p]) => !/\[\d+\]/.test(p));
    assert.deepEqual(unnumbered, [], `every code cell ran (has an execution count)${diag.report()}`);
    const counts = state.prompts.map((p) => Number(p.match(/\[(\d+)\]/)![1]));
    assert.deepEqual(counts, counts.map((_, i) => counts[0] + i), "cells ran once each, top to bottom");
    assert.equal(state.kernelName, "TypeScript");

    // plotly draws into .js-plotly-plot > .main-svg once the bundle has loaded; every show() figure must render.
    await page.waitForFunction(
      (n) => document.querySelectorAll(".js-plotly-plot .main-svg").length >= n,
      Math.max(1, plotCells),
      { timeout: PLOT_TIMEOUT_MS },
    ).catch((e: Error) => {
      throw new Error(`plots did not render (${e.message.split("\n")[0]})${diag.report()}`);
    });
    const plots = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".js-plotly-plot")).map((p) => {
        const r = p.getBoundingClientRect();
        return { w: Math.round(r.width), h: Math.round(r.height), traces: p.querySelectorAll(".scatterlayer .trace").length };
      }),
    );
    assert.ok(plots.length >= Math.max(1, plotCells), `${plotCells} show() cells -> ${plots.length} plots`);
    for (const p of plots) {
      assert.ok(p.w > 200 && p.h > 150, `a plot is visibly sized: ${JSON.stringify(p)}`);
      assert.ok(p.traces >= 1, `a plot has traces: ${JSON.stringify(p)}`);
    }

    // Frame the first figure, below the notebook's header, for the screenshot.
    // (JupyterLab lays off-screen cells out lazily -- content-visibility -- so one scroll may land short: repeat.)
    await page.locator(".jp-Notification-Toast-Close, .jp-toast-dismiss").first().click({ timeout: 1000 }).catch(() => undefined);
    for (let i = 0; i < 4; i++) {
      await page.evaluate(() => document.querySelector(".js-plotly-plot")?.scrollIntoView({ block: "center" }));
      await page.waitForTimeout(400);
    }
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot });
    assert.ok(fs.statSync(shot).size > 10_000, "screenshot written");
    console.log(`# ${name}: ${driver.ui}; server ready in ${((kernelReadyAt - started) / 1000).toFixed(1)} s (with kernel), ` +
      `Run All ${((ranAt - kernelReadyAt) / 1000).toFixed(1)} s, ${codeCells.length} cells, ${plots.length} plots; screenshot ${path.relative(ROOT, shot)}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await stopStart(server, port);
  }
  // The committed notebook was not touched.
  assert.equal(fs.readFileSync(source, "utf8"), sourceText, `${path.relative(ROOT, source)} is unchanged`);
});
