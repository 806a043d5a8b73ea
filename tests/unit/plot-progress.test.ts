import { test } from "node:test";
import assert from "node:assert/strict";
import {
  HtmlDisplay,
  NotebookTarget,
  PlotInputError,
  fitProgress,
  formatDuration,
  lossCurve,
  progressBar,
} from "../../lib/src/plot";

/** A fake tslab: each newDisplay() records its successive (in-place) renders. */
function fakeTarget(): NotebookTarget & { displays: string[][]; appended: string[] } {
  const displays: string[][] = [];
  const appended: string[] = [];
  return {
    displays,
    appended,
    display: { html: (s: string) => void appended.push(s) },
    newDisplay(): HtmlDisplay {
      const mine: string[] = [];
      displays.push(mine);
      return { html: (s: string) => void mine.push(s) };
    },
  };
}

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const textOf = (html: string) => html.replace(/<[^>]*>/g, "").replace(/&amp;/g, "&");

test("in a notebook the bar is one display updated in place, showing percent, count, elapsed, ETA and info", () => {
  const t = fakeTarget();
  const clock = fakeClock();
  const bar = progressBar({ total: 4, label: "CV folds", target: t, now: clock.now });
  assert.equal(t.displays.length, 1, "one display for the whole loop");
  assert.equal(t.appended.length, 0, "nothing appended outside the display");
  assert.equal(t.displays[0].length, 1, "an empty bar is shown at once");
  clock.advance(2000);
  bar.update(1, "MAE=0.12 V");
  const last = textOf(t.displays[0].at(-1)!);
  assert.match(last, /CV folds/);
  assert.match(last, /1\/4 \(25%\)/);
  assert.match(last, /2\.0 s elapsed/);
  assert.match(last, /ETA 6\.0 s/);
  assert.match(last, /MAE=0\.12 V/);
  assert.match(t.displays[0].at(-1)!, /width:25\.0%/);
});

test("notebook redraws are throttled to one per 100 ms, but the final state is always drawn", () => {
  const t = fakeTarget();
  const clock = fakeClock();
  const bar = progressBar({ total: 1000, target: t, now: clock.now });
  for (let i = 1; i <= 1000; i++) {
    clock.advance(1); // 1000 steps in 1 s → about 10 redraws allowed
    bar.update(i, `step ${i}`);
  }
  const renders = t.displays[0].length;
  assert.ok(renders >= 10 && renders <= 12, `${renders} redraws`);
  assert.match(textOf(t.displays[0].at(-1)!), /1000\/1000 \(100%\).*step 1000/);
  bar.done("finished");
  assert.match(textOf(t.displays[0].at(-1)!), /1000\/1000 \(100%\) · done in 1\.0 s · finished/);
  assert.equal(bar.renders, t.displays[0].length);
  bar.update(5);
  assert.equal(bar.value, 1000, "updates after done() are ignored");
});

test("done() before the end shows where the loop stopped", () => {
  const t = fakeTarget();
  const clock = fakeClock();
  const bar = progressBar({ total: 10, target: t, now: clock.now });
  clock.advance(500);
  bar.tick();
  bar.tick();
  clock.advance(500);
  bar.done("early stopping");
  assert.match(textOf(t.displays[0].at(-1)!), /2\/10 \(20%\) · stopped after 1\.0 s · early stopping/);
});

test("outside a notebook the bar prints a line every 10 % and once at the end", () => {
  const lines: string[] = [];
  const clock = fakeClock();
  const bar = progressBar({ total: 200, label: "Sweep", target: null, write: (l) => void lines.push(l), now: clock.now });
  for (let i = 0; i < 200; i++) {
    clock.advance(10);
    bar.tick();
  }
  bar.done();
  assert.equal(lines.length, 10, lines.join("\n"));
  assert.match(lines[0], /^Sweep: 20\/200 \(10%\) · 0\.2 s elapsed · ETA 1\.8 s$/);
  assert.match(lines[9], /^Sweep: 200\/200 \(100%\)/);
});

test("text mode also prints after 5 s without a 10 % step, and done() adds the total time once", () => {
  const lines: string[] = [];
  const clock = fakeClock();
  const bar = progressBar({ total: 1000, target: null, write: (l) => void lines.push(l), now: clock.now });
  clock.advance(6000);
  bar.update(3);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^3\/1000 \(0%\) · 6\.0 s elapsed/);
  bar.update(4);
  assert.equal(lines.length, 1, "throttled");
  bar.done();
  assert.equal(lines.length, 2);
  assert.match(lines[1], /4\/1000 \(0%\) · stopped after 6\.0 s/);
});

test("progressBar rejects a bad total or step", () => {
  assert.throws(() => progressBar({ total: 0, target: null }), PlotInputError);
  assert.throws(() => progressBar({ total: 2.5, target: null }), /total must be a positive integer/);
  const bar = progressBar({ total: 3, target: null, write: () => undefined });
  assert.throws(() => bar.update(NaN), /finite n ≥ 0/);
});

test("fitProgress is a tfjs-style callback object that advances per epoch and keeps the history", () => {
  const t = fakeTarget();
  const clock = fakeClock();
  const cb = fitProgress(3, { target: t, now: clock.now, label: "MLP" });
  for (let e = 0; e < 3; e++) {
    clock.advance(200);
    cb.onEpochEnd(e, { loss: 1 / (e + 1), val_loss: 2 / (e + 1) });
  }
  cb.onTrainEnd();
  assert.deepEqual(cb.history.loss, [1, 0.5, 1 / 3]);
  assert.deepEqual(cb.history.val_loss, [2, 1, 2 / 3]);
  const final = textOf(t.displays[0].at(-1)!);
  assert.match(final, /MLP/);
  assert.match(final, /3\/3 \(100%\) · done in 0\.6 s · epoch 3 loss=0\.3333 val_loss=0\.6667/);
  const fig = lossCurve(cb.history);
  assert.equal(fig.data.length, 2);
  assert.equal(fig.layout.yaxis!.type, "log");
  assert.deepEqual((fig.data[0] as { x: number[] }).x, [1, 2, 3]);
  assert.equal((fig.data[1] as { line: { dash: string } }).line.dash, "dash");
});

test("lossCurve accepts a tfjs History object and names a missing metric", () => {
  const fig = lossCurve({ history: { loss: [0.5, 0.25] } }, { logY: false });
  assert.deepEqual((fig.data[0] as { y: number[] }).y, [0.5, 0.25]);
  assert.throws(() => lossCurve({ loss: [1] }, { metrics: ["mae"] }), /no log "mae"; available: loss/);
});

test("formatDuration reads naturally", () => {
  assert.equal(formatDuration(3210), "3.2 s");
  assert.equal(formatDuration(125_000), "2 min 05 s");
  assert.equal(formatDuration(3_720_000), "1 h 02 min");
});

test("fitProgress plugs into a real tfjs model.fit as its callbacks", { timeout: 60_000 }, async () => {
  const tf = await import("@tensorflow/tfjs");
  await tf.setBackend("cpu");
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
  const xs = tf.tensor2d([[0], [1], [2], [3]]);
  const ys = tf.tensor2d([[1], [3], [5], [7]]);
  const lines: string[] = [];
  const progress = fitProgress(4, { target: null, write: (l) => void lines.push(l) });
  const h = await model.fit(xs, ys, { epochs: 4, batchSize: 4, callbacks: progress, verbose: 0 });
  assert.equal(progress.history.loss.length, 4);
  assert.deepEqual(progress.history.loss, h.history.loss);
  assert.equal(progress.bar.value, 4);
  assert.match(lines.at(-1)!, /^Training: 4\/4 \(100%\) .*epoch 4 loss=/);
  tf.dispose([xs, ys]);
  model.dispose();
});
