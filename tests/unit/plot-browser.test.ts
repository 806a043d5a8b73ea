import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleScript, figureHtml, parityPlot, toHtml } from "../../lib/src/plot";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

// A page that behaves like classic Notebook 6 / nbconvert HTML: require.js's AMD `define` is global.
const FAKE_REQUIREJS =
  "<script>window.__defineCalls = 0; window.define = function () { window.__defineCalls++; };" +
  " window.define.amd = {}; window.module = { exports: {} }; window.exports = window.module.exports;</script>\n";

test("figures render offline in headless Chromium, also on a require.js page, with plotly loaded after the figure", { timeout: 120_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} not installed`);
    return;
  }
  const { chromium } = await import("playwright-core");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmi-plot-browser-"));
  const fig = parityPlot({ measured: [1, 2, 3, 4], predicted: [1.5, 2, 2.5, 4.5], quantity: "capacity", unit: "A.h" });
  // Page 1: a standalone toHtml page with require.js-like globals set before the bundle.
  const page1 = toHtml(fig).replace("<body", `${FAKE_REQUIREJS}<body`);
  // Page 2: the notebook order can differ (figure first, bundle later): the figure must wait for Plotly.
  const page2 =
    `<!DOCTYPE html><html><head><meta charset="utf-8">${FAKE_REQUIREJS}</head><body>` +
    figureHtml(fig, { divId: "late" }) +
    bundleScript() +
    `</body></html>`;
  fs.writeFileSync(path.join(dir, "page1.html"), page1);
  fs.writeFileSync(path.join(dir, "page2.html"), page2);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    const requests: string[] = [];
    page.on("request", (r) => void requests.push(r.url()));
    for (const name of ["page1.html", "page2.html"]) {
      await page.goto("file://" + path.join(dir, name));
      await page.waitForFunction(() => document.querySelectorAll(".battery-mi-plot .main-svg").length > 0, null, {
        timeout: 60_000,
      });
      const state = await page.evaluate(() => ({
        plotly: typeof (window as unknown as { Plotly?: { newPlot?: unknown } }).Plotly?.newPlot,
        defineCalls: (window as unknown as { __defineCalls: number }).__defineCalls,
        moduleExports: Object.keys((window as unknown as { module: { exports: object } }).module.exports).length,
        points: document.querySelectorAll(".battery-mi-plot .scatterlayer .point").length,
        title: document.querySelector(".battery-mi-plot .gtitle")?.textContent ?? "",
        xTitle: document.querySelector(".battery-mi-plot .xtitle")?.textContent ?? "",
      }));
      assert.equal(state.plotly, "function", `${name}: window.Plotly is set`);
      assert.equal(state.defineCalls, 0, `${name}: the bundle did not register with require.js`);
      assert.equal(state.moduleExports, 0, `${name}: the bundle did not export into a global module`);
      assert.equal(state.points, 4, `${name}: four markers drawn`);
      assert.match(state.title, /Parity plot/);
      assert.equal(state.xTitle, "Measured capacity [A.h]");
      if (process.env.BATTERY_MI_PLOT_SCREENSHOTS) {
        await page.screenshot({ path: path.join(process.env.BATTERY_MI_PLOT_SCREENSHOTS, name.replace(".html", ".png")) });
      }
    }
    assert.deepEqual(
      requests.filter((u) => !u.startsWith("file://")),
      [],
      "nothing is fetched from the network",
    );
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
