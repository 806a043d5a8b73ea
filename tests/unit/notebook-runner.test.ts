// The runner against real tslab kernels (registered by `node scripts/setup.mjs`, which `npm test` runs).
// Kernel launches are kept few (5): bad inputs share batches; tslab's start-up dominates the time. Protocol paths that
// need no real tslab (message interrupts, heartbeat, allowErrors and the abort window) are tested against
// the fake kernel in notebook-fake-kernel.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  executeNotebooks,
  findKernelSpec,
  formatFailure,
  readNotebook,
  type CodeCell,
  type ExecutionResult,
} from "../../lib/src/notebook";

const FIX = path.join(__dirname, "..", "fixtures", "notebooks");
const fx = (name: string) => path.join(FIX, name);

let tslab: ReturnType<typeof findKernelSpec> | undefined;
let why = "";
try {
  tslab = findKernelSpec("tslab");
} catch (e) {
  why = `tslab kernel not registered (run node scripts/setup.mjs): ${(e as Error).message}`;
}

function gone(pid: number | undefined): boolean {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

function byName(results: ExecutionResult[], name: string): ExecutionResult {
  const r = results.find((x) => x.name === name);
  assert.ok(r, `no result for ${name}`);
  return r;
}

test("bad inputs: invalid JSON, unknown kernel, a type error and a crashing kernel are each reported precisely", { skip: tslab ? false : why }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "nb-exec-"));
  try {
    const started = Date.now();
    const results = await executeNotebooks(
      ["invalid-json.ipynb", "unknown-kernel.ipynb", "type-error.ipynb", "crash.ipynb"].map(fx),
      { outputDir: out, timeoutSeconds: 60 },
    );
    assert.equal(results.length, 4, "the runner moves on after each failure");
    assert.ok(Date.now() - started < 60_000, "no hang");

    const invalid = byName(results, "invalid-json.ipynb");
    assert.equal(invalid.status, "invalid-notebook");
    assert.match(invalid.failure!.message, /invalid-json\.ipynb: invalid JSON at line 7, column 2/);

    const unknown = byName(results, "unknown-kernel.ipynb");
    assert.equal(unknown.status, "kernel-not-found");
    assert.match(unknown.failure!.message, /unknown-kernel\.ipynb: no kernel named "no-such-kernel-xyz"\. Kernels found: .*tslab/);

    const typeError = byName(results, "type-error.ipynb");
    assert.equal(typeError.status, "error");
    assert.equal(typeError.failure!.cellIndex, 1);
    assert.equal(typeError.failure!.cellId, "bad-type");
    assert.match(typeError.failure!.source!, /const s: string = n;/);
    assert.match(typeError.failure!.stderr!, /Type 'number' is not assignable to type 'string'/);
    assert.equal(typeError.executedCells, 2, "a failing cell stops the notebook");
    const report = formatFailure(typeError);
    assert.match(report, /type-error\.ipynb: cell 2 \(index 1, id "bad-type"\) failed/);
    assert.match(report, /source:\n\s+1 \| const s: string = n;/);
    const copy = readNotebook(typeError.outputPath!);
    assert.deepEqual((copy.cells[0] as CodeCell).outputs, [{ output_type: "stream", name: "stdout", text: ["before 1\n"] }]);
    assert.equal((copy.cells[2] as CodeCell).execution_count, null);

    const crash = byName(results, "crash.ipynb");
    assert.equal(crash.status, "kernel-died");
    assert.equal(crash.failure!.cellIndex, 1);
    assert.match(crash.failure!.message, /crash\.ipynb: cell 2 \(index 1, id "exit"\): kernel died while running the cell \(kernel process exited with code 1\)/);
    assert.ok(gone(crash.kernelPid));
    assert.ok(gone(typeError.kernelPid));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("a cell over the time limit is interrupted, an unresponsive kernel is killed, and the next notebook still runs", { skip: tslab ? false : why }, async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "nb-exec-"));
  try {
    const results = await executeNotebooks(["hang.ipynb", "hang-uninterruptible.ipynb", "ok-trivial.ipynb"].map(fx), {
      timeoutSeconds: 5,
      interruptGraceSeconds: 4, // a generous margin for a loaded machine
      outputDir: out,
    });
    const hang = byName(results, "hang.ipynb");
    assert.equal(hang.status, "timeout");
    assert.equal(hang.failure!.cellId, "forever");
    assert.match(hang.failure!.message, /hang\.ipynb: cell 2 \(index 1, id "forever"\) timed out after 5 s/);
    const hangOutcome = hang.cells[1]!.outcome!;
    assert.ok(hangOutcome.durationMs >= 5000, `timed out too early: ${hangOutcome.durationMs} ms`);
    // tslab runs cells with breakOnSigint, so SIGINT breaks even `while (true) {}`.
    assert.equal(hangOutcome.interrupted, true);
    t.diagnostic(`tslab answered SIGINT ${hangOutcome.durationMs - 5000} ms after the interrupt`);
    assert.match(hang.failure!.stderr!, /interrupted by `SIGINT`/);
    assert.equal(hang.executedCells, 2);

    const deaf = byName(results, "hang-uninterruptible.ipynb");
    assert.equal(deaf.status, "timeout");
    const deafOutcome = deaf.cells[1]!.outcome!;
    assert.equal(deafOutcome.killed, true, "a kernel that ignores the interrupt is killed");
    assert.ok(deafOutcome.durationMs >= 9000 && deafOutcome.durationMs < 30_000, `timeout + grace, got ${deafOutcome.durationMs} ms`);
    assert.match(deaf.failure!.message, /did not answer the interrupt and was killed/);
    assert.ok(gone(deaf.kernelPid));
    const leftovers = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
      .split("\n")
      .filter((l) => /^sleep 611/.test(l.trim()));
    assert.deepEqual(leftovers, [], "the kill reaches the kernel's process group");

    const ok = byName(results, "ok-trivial.ipynb");
    assert.equal(ok.status, "ok", formatFailure(ok));
    t.diagnostic(`ok-trivial: kernel start ${ok.kernelStartMs} ms, total ${ok.durationMs} ms`);
    assert.equal(ok.codeCells, 5);
    assert.equal(ok.executedCells, 4, "the blank cell is skipped");
    const nb = readNotebook(ok.outputPath!);
    assert.equal(nb.nbformat_minor, 5);
    assert.deepEqual(
      nb.cells.map((c) => c.id),
      ["intro", "sum", "stderr-and-stdout", "empty", "display", "last-value"],
      "cell ids preserved",
    );
    const cells = nb.cells as CodeCell[];
    assert.deepEqual(cells.slice(1).map((c) => c.execution_count), [1, 2, null, 3, 4]);
    assert.deepEqual(cells[1]!.outputs, [{ output_type: "stream", name: "stdout", text: ["sum 6\n"] }]);
    assert.deepEqual(
      cells[2]!.outputs.map((o) => (o.output_type === "stream" ? [o.name, o.text] : o.output_type)),
      [
        ["stdout", ["a\n", "b\n"]],
        ["stderr", ["warn\n"]],
        ["stdout", ["c\n"]],
      ],
    );
    assert.deepEqual(cells[4]!.outputs, [
      { output_type: "display_data", data: { "text/plain": ["progress 100%"] }, metadata: {} },
      { output_type: "display_data", data: { "text/html": ["<b>bold</b>"] }, metadata: {} },
    ]);
    assert.deepEqual(cells[5]!.outputs, [{ output_type: "stream", name: "stdout", text: ["21\n"] }]);
    assert.equal(nb.metadata.language_info?.name, "typescript");
    for (const r of results) assert.ok(gone(r.kernelPid), `${r.name}: kernel still running`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
