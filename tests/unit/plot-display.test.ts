import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Module from "node:module";
import { spawnSync } from "node:child_process";
import {
  BUNDLE_MARKER,
  HtmlDisplay,
  NotebookTarget,
  bundleScript,
  detectNotebook,
  figureHtml,
  linePlot,
  loadPlotly,
  parityPlot,
  plotlyBundle,
  saveHtml,
  setNotebookTarget,
  show,
  toHtml,
} from "../../lib/src/plot";
// Test seam, deliberately not part of battery-mi/plot's public surface.
import { NodeplotlibLike, setNodeplotlibLoader } from "../../lib/src/plot/display";

/** A tslab-like target that records every HTML output. */
function fakeTarget(): NotebookTarget & { outputs: string[]; updates: string[][] } {
  const outputs: string[] = [];
  const updates: string[][] = [];
  return {
    outputs,
    updates,
    display: { html: (s: string) => void outputs.push(s) },
    newDisplay(): HtmlDisplay {
      const mine: string[] = [];
      updates.push(mine);
      return { html: (s: string) => void mine.push(s) };
    },
  };
}

const fig = () => linePlot({ x: [1, 2, 3], y: [3, 1, 2], title: "Capacity </script> & fade", yTitle: "Capacity [A.h]" });

test("the plotly bundle is read from node_modules/plotly.js-dist-min once per process", () => {
  const a = plotlyBundle();
  const b = plotlyBundle();
  assert.ok(a.length > 1_000_000, `bundle is ${a.length} chars`);
  assert.equal(a, b);
  assert.equal(
    a,
    fs.readFileSync(require.resolve("plotly.js-dist-min"), "utf8"),
    "the bundle is the package's file verbatim",
  );
});

test("the bundle script shadows define, module and exports and keeps window.Plotly", () => {
  const s = bundleScript();
  assert.ok(s.startsWith("<script"));
  assert.ok(s.includes(BUNDLE_MARKER));
  assert.match(s, /\(function \(define, module, exports\) \{/);
  assert.match(s, /\}\)\.call\([^)]*window[^)]*, undefined, undefined, undefined\);\s*<\/script>$/);
  // Only the final closing tag: nothing inside can end the script early.
  assert.equal(s.match(/<\/script/gi)!.length, 1);
  // Only the one opening tag, and it loads nothing from elsewhere (assert.ok: a failure must not print 4.8 MB).
  assert.equal(s.match(/<script/gi)!.length, 1);
  assert.ok(!/^<script[^>]*\ssrc\s*=/.test(s));
});

test("show() in a notebook emits plotly.js exactly once over several figures, then only div + JSON", () => {
  const t = fakeTarget();
  show(fig(), { target: t });
  show(fig(), { target: t });
  show(parityPlot({ measured: [1, 2, 3], predicted: [1, 2, 4] }), { target: t });
  const bundles = t.outputs.filter((o) => o.includes(BUNDLE_MARKER));
  assert.equal(bundles.length, 1);
  assert.equal(t.outputs.length, 4);
  assert.ok(t.outputs[0].includes(BUNDLE_MARKER), "the bundle comes before the first figure");
  assert.ok(t.outputs[0].includes("(function (define, module, exports) {"), "the emitted bundle shadows define");
  for (const o of t.outputs.slice(1)) {
    assert.ok(o.length < 20_000, `a figure output is small (${o.length} chars)`);
    assert.match(o, /<div id="bmi-plot-[0-9a-f]{12}"/);
    assert.match(o, /window\.Plotly\.newPlot/);
    assert.match(o, /setTimeout\(draw, 50\)/, "the figure waits for window.Plotly");
  }
  const ids = t.outputs.slice(1).map((o) => /id="([^"]+)"/.exec(o)![1]);
  assert.equal(new Set(ids).size, 3, "div ids are unique");
});

test("loadPlotly() re-emits the bundle on request, and show() then does not add another", () => {
  const t = fakeTarget();
  assert.equal(loadPlotly({ target: t }), true);
  assert.equal(loadPlotly({ target: t }), true);
  show(fig(), { target: t });
  assert.equal(t.outputs.filter((o) => o.includes(BUNDLE_MARKER)).length, 2);
  assert.equal(t.outputs.length, 3);
  assert.equal(loadPlotly({ target: null }), false);
});

test("figure HTML embeds the figure JSON safely inside the script", () => {
  const f = fig();
  const html = figureHtml(f, { divId: "bmi-plot-test" });
  assert.equal(html.match(/<\/script/gi)!.length, 1, "the title's </script> is escaped");
  const json = /fig = (\{.*\});/.exec(html)![1];
  const parsed = JSON.parse(json);
  assert.deepEqual(parsed.data, JSON.parse(JSON.stringify(f.data)));
  assert.equal(parsed.layout.title.text, "Capacity </script> & fade");
  // The text shown before plotly draws (and by static renderers): tags stripped, HTML-escaped.
  assert.match(html, /Figure &quot;Capacity &amp; fade&quot;: 1 trace \(scatter×1\), 3 points/);
});

test("toHtml is a standalone page with the figure JSON and no network script", () => {
  const html = toHtml(fig());
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes(BUNDLE_MARKER));
  assert.ok(html.includes('"yTitle"') === false && html.includes("Capacity [A.h]"));
  assert.ok(!/<script[^>]*\ssrc\s*=/i.test(html), "no <script src=...>");
  assert.ok(!/<link[^>]*href\s*=\s*["']?https?:/i.test(html), "no external stylesheet");
  const light = toHtml(fig(), { includePlotly: false });
  assert.ok(!light.includes(BUNDLE_MARKER));
  assert.ok(light.length < 10_000);
});

test("saveHtml writes the page, creating folders, and returns the absolute path", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmi-plot-"));
  try {
    const file = saveHtml(fig(), path.join(dir, "a", "b", "fig.html"), { includePlotly: false });
    assert.ok(path.isAbsolute(file));
    assert.match(fs.readFileSync(file, "utf8"), /Plotly\.newPlot/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("outside a notebook, show() prints a one-line summary instead of opening a browser", () => {
  const lines: string[] = [];
  show(fig(), { target: null, write: (l) => void lines.push(l) });
  assert.deepEqual(lines, ['Figure "Capacity & fade": 1 trace (scatter×1), 3 points']);
  assert.throws(() => show({} as never, { target: null }), /expected a figure/);
});

/** Installs a nodeplotlib stub that records its plot() calls; restore with setNodeplotlibLoader(undefined). */
function stubNodeplotlib(): { loads: number; calls: unknown[][] } {
  const rec = { loads: 0, calls: [] as unknown[][] };
  const stub: NodeplotlibLike = { plot: (...args: unknown[]) => void rec.calls.push(args) };
  setNodeplotlibLoader(() => {
    rec.loads++;
    return stub;
  });
  return rec;
}

test("outside a notebook with browser: true, show() hands the figure's data, layout and config to nodeplotlib", () => {
  const npl = stubNodeplotlib();
  try {
    const f = fig();
    const lines: string[] = [];
    show(f, { target: null, browser: true, write: (l) => void lines.push(l) });
    assert.equal(npl.loads, 1);
    assert.equal(npl.calls.length, 1);
    const [data, layout, config] = npl.calls[0];
    assert.equal(data, f.data, "the figure's own traces array");
    assert.equal(layout, f.layout, "the figure's own layout");
    assert.equal(config, f.config);
    assert.deepEqual(lines, ['Figure "Capacity & fade": 1 trace (scatter×1), 3 points — opening in the browser (nodeplotlib)']);
    // A notebook target wins over browser: true; browser: false forces the summary line.
    show(f, { target: fakeTarget(), browser: true });
    show(f, { target: null, browser: false, write: (l) => void lines.push(l) });
    assert.equal(npl.calls.length, 1, "nodeplotlib is used for nothing else");
    assert.equal(lines.length, 2);
  } finally {
    setNodeplotlibLoader(undefined);
  }
});

test("the real nodeplotlib, as the library resolves it, has the plot(data, layout, config) the stub stands for", () => {
  // In a child process: this process must not load nodeplotlib (see the last test).
  const script = 'const n = require("node:module").createRequire(process.argv[1])("nodeplotlib"); ' +
    'process.stdout.write(typeof n.plot + " " + n.plot.length);';
  const from = path.resolve(__dirname, "..", "..", "lib", "src", "plot", "display.ts");
  const r = spawnSync(process.execPath, ["-e", script, from], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^function [1-3]$/);
});

test("by default show() opens the browser only on a TTY with none of CI, BATTERY_MI_TEST, NODE_TEST_CONTEXT set", () => {
  const npl = stubNodeplotlib();
  const vars = ["CI", "BATTERY_MI_TEST", "NODE_TEST_CONTEXT"] as const;
  const savedEnv = vars.map((k) => process.env[k]);
  const savedTty = Object.getOwnPropertyDescriptor(process.stdout, "isTTY");
  const setTty = (v: boolean) => Object.defineProperty(process.stdout, "isTTY", { value: v, configurable: true, writable: true });
  const lines: string[] = [];
  const write = (l: string) => void lines.push(l);
  // Synchronous from here to the finally block: nothing else in this process sees the changed environment.
  try {
    for (const k of vars) delete process.env[k];
    setTty(true);
    show(fig(), { target: null, write });
    assert.equal(npl.calls.length, 1, "an interactive terminal opens the browser");
    assert.match(lines[0], /opening in the browser \(nodeplotlib\)$/);
    for (const k of vars) {
      process.env[k] = "1";
      show(fig(), { target: null, write });
      delete process.env[k];
      assert.equal(npl.calls.length, 1, `${k}=1 prints the summary instead`);
    }
    setTty(false);
    show(fig(), { target: null, write });
    assert.equal(npl.calls.length, 1, "piped output prints the summary");
    assert.deepEqual(lines.slice(1), Array(4).fill('Figure "Capacity & fade": 1 trace (scatter×1), 3 points'));
  } finally {
    vars.forEach((k, i) => (savedEnv[i] === undefined ? delete process.env[k] : (process.env[k] = savedEnv[i])));
    if (savedTty) Object.defineProperty(process.stdout, "isTTY", savedTty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
    setNodeplotlibLoader(undefined);
  }
});

test("detectNotebook finds a running tslab kernel through its loaded jupyter module, and nothing otherwise", () => {
  assert.equal(detectNotebook(), null, "plain node is not a notebook");
  // Simulate the kernel: tslab's dist/jupyter.js loaded with a display writer, and its public.js.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmi-tslab-"));
  const dist = path.join(dir, "node_modules", "tslab", "dist");
  fs.mkdirSync(dist, { recursive: true });
  const jupyterFile = path.join(dist, "jupyter.js");
  const publicFile = path.join(dist, "public.js");
  fs.writeFileSync(jupyterFile, "exports.lastWriteDisplayData = null;\n");
  fs.writeFileSync(
    publicFile,
    "const out = []; exports.out = out;\n" +
      "exports.display = { html: (s) => out.push(s) };\n" +
      "exports.newDisplay = () => ({ html: (s) => out.push(s) });\n",
  );
  const req = Module.createRequire(jupyterFile);
  try {
    const jupyter = req(jupyterFile) as { lastWriteDisplayData: unknown };
    assert.equal(detectNotebook(), null, "tslab loaded but no cell running yet");
    jupyter.lastWriteDisplayData = () => undefined;
    const found = detectNotebook();
    assert.ok(found, "kernel detected");
    show(fig());
    const out = (req(publicFile) as { out: string[] }).out;
    assert.equal(out.length, 2);
    assert.ok(out[0].includes(BUNDLE_MARKER));
    // setNotebookTarget overrides detection in both directions.
    setNotebookTarget(null);
    assert.equal(detectNotebook(), null);
  } finally {
    setNotebookTarget(undefined);
    delete require.cache[jupyterFile];
    delete require.cache[publicFile];
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(detectNotebook(), null);
});

test("using the plot area outside a notebook loads neither nodeplotlib nor tslab", () => {
  const lines: string[] = [];
  show(fig(), { write: (l) => void lines.push(l) });
  assert.equal(lines.length, 1, "no TTY under the test runner → summary line");
  const loaded = Object.keys(require.cache);
  assert.deepEqual(loaded.filter((k) => /[\\/]nodeplotlib[\\/]/.test(k)), []);
  assert.deepEqual(loaded.filter((k) => /[\\/]tslab[\\/]/.test(k)), []);
});
