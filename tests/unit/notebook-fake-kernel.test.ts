// Protocol paths tested against a scriptable fake kernel (tests/fixtures/notebooks/fake-kernel), which
// starts in well under a second: interrupt by message and by signal, kill of a blocked kernel,
// heartbeat silence, kernel death, outputs shaping, and tslab's 200 ms abort window.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  executeNotebookObject,
  findKernelSpec,
  KernelClient,
  runExecuteCli,
  type CodeCell,
  type KernelSpec,
  type Notebook,
} from "../../lib/src/notebook";

const SCRIPT = path.join(__dirname, "..", "fixtures", "notebooks", "fake-kernel", "fake-kernel.mjs");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-fake-kernels-"));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function register(name: string, interruptMode: "signal" | "message"): KernelSpec {
  const dir = path.join(dataDir, "kernels", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "kernel.json"),
    JSON.stringify({ argv: [process.execPath, SCRIPT, "{connection_file}"], display_name: name, language: "fake", interrupt_mode: interruptMode }),
  );
  return findKernelSpec(name, { extraDirs: [dataDir] });
}
const bySignal = register("fake-signal", "signal");
const byMessage = register("fake-message", "message");

/** True when the process no longer runs (a zombie waiting for its reaper counts as gone). */
function gone(pid: number | undefined): boolean {
  try {
    process.kill(pid!, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function withKernel(spec: KernelSpec, body: (k: KernelClient) => Promise<void>, options = {}): Promise<KernelClient> {
  const k = await KernelClient.start(spec, options);
  try {
    assert.equal(k.isAlive(), true);
    assert.equal((fs.statSync(k.connectionFile).mode & 0o777).toString(8), "600", "the connection file holds the key: owner-only");
    assert.equal((k.kernelInfo.language_info as { name: string }).name, "fake");
    await body(k);
  } finally {
    await k.shutdown();
  }
  assert.ok(gone(k.pid), "kernel process left running");
  assert.equal(fs.existsSync(k.connectionFile), false, "connection file left behind");
  return k;
}

test("outputs arrive in nbformat shape: merged streams, execute_result with its count, display updates, clear_output", async () => {
  await withKernel(bySignal, async (k) => {
    const r = await k.execute("print a\nprint b\neprint e\nprint c\ndisplay bar 0%\nupdate bar 100%\nresult 42", { timeoutMs: 10_000 });
    assert.equal(r.status, "ok");
    assert.equal(r.executionCount, 1);
    assert.deepEqual(r.outputs, [
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "e\n" },
      { output_type: "stream", name: "stdout", text: "c\n" },
      { output_type: "display_data", data: { "text/plain": "100%" }, metadata: {}, transient: { display_id: "bar" } },
      { output_type: "execute_result", execution_count: 1, data: { "text/plain": "42" }, metadata: {} },
    ]);
    const cleared = await k.execute("print old\nclearwait\nprint new", { timeoutMs: 10_000 });
    assert.deepEqual(cleared.outputs, [{ output_type: "stream", name: "stdout", text: "new\n" }]);
    assert.equal(cleared.stdout, "old\nnew\n", "stdout keeps what was cleared");
    const raised = await k.execute("raise", { timeoutMs: 10_000 });
    assert.equal(raised.status, "error");
    assert.deepEqual(raised.error, { ename: "ValueError", evalue: "bad value", traceback: ["ValueError: bad value"] });
    assert.equal(k.droppedMessages, 0);
  });
});

test("on timeout a kernel with interrupt_mode 'message' gets an interrupt_request and survives", async () => {
  await withKernel(byMessage, async (k) => {
    const r = await k.execute("sleep 60000", { timeoutMs: 300, interruptGraceMs: 5000 });
    assert.equal(r.status, "timeout");
    assert.equal(r.interrupted, true);
    assert.equal(r.killed, false);
    assert.equal(r.stderr, "interrupted\n");
    assert.equal(k.isAlive(), true);
  });
});

test("on timeout a kernel with interrupt_mode 'signal' gets SIGINT", async () => {
  await withKernel(bySignal, async (k) => {
    const r = await k.execute("sleep 60000", { timeoutMs: 300, interruptGraceMs: 5000 });
    assert.equal(r.status, "timeout");
    assert.equal(r.interrupted, true);
    assert.equal(r.stderr, "interrupted\n");
  });
});

test("a kernel that ignores the interrupt is killed after the grace time", async () => {
  await withKernel(byMessage, async (k) => {
    const t0 = Date.now();
    const r = await k.execute("block", { timeoutMs: 300, interruptGraceMs: 500 });
    assert.equal(r.status, "timeout");
    assert.equal(r.killed, true);
    assert.ok(Date.now() - t0 >= 800, "waited for timeout + grace");
    assert.equal(k.isAlive(), false);
    assert.ok(gone(k.pid));
    const next = await k.execute("print x");
    assert.equal(next.status, "died", "a dead kernel answers every later request with 'died', never a hang");
  });
});

test("a kernel process that exits mid-cell is reported as died with its exit code", async () => {
  await withKernel(bySignal, async (k) => {
    const r = await k.execute("print bye\nexit 3", { timeoutMs: 10_000 });
    assert.equal(r.status, "died");
    assert.equal(r.death?.exitCode, 3);
    assert.match(r.death!.reason, /exited with code 3/);
  });
});

test("an idle kernel whose heartbeat falls silent is declared dead and killed", async () => {
  await withKernel(
    bySignal,
    async (k) => {
      assert.equal((await k.execute("deafhb")).status, "ok");
      const t0 = Date.now();
      while (k.isAlive() && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
      assert.equal(k.isAlive(), false);
      assert.match(k.death!.reason, /no heartbeat for \d+\.\d s while idle/);
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(gone(k.pid));
    },
    { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 1000 },
  );
});

test("a kernel process that exits during start-up is a clear error, not a hang", async () => {
  const dir = path.join(dataDir, "kernels", "fake-broken");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify({ argv: [process.execPath, "-e", "console.error('no luck'); process.exit(7)"] }));
  const spec = findKernelSpec("fake-broken", { extraDirs: [dataDir] });
  await assert.rejects(KernelClient.start(spec, { startupTimeoutMs: 10_000 }), /kernel "fake-broken" during start-up died: kernel process exited with code 7\nno luck/);
});

function notebook(kernel: string, sources: string[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, language: "fake" } },
    cells: sources.map((s, i) => ({ cell_type: "code", id: `c${i}`, source: s, metadata: {}, outputs: [], execution_count: null })),
  };
}

test("the runner stops at a failing cell, or with allowErrors waits out the 200 ms abort window and goes on", async () => {
  const nb = notebook("fake-signal", ["print one", "fail", "print three"]);
  const search = { kernelSearch: { extraDirs: [dataDir] } };
  const stop = await executeNotebookObject(nb, "fake.ipynb", search);
  assert.equal(stop.status, "error");
  assert.equal(stop.executedCells, 2);
  assert.equal(stop.failure!.stderr, "fake failure\n");
  assert.equal((stop.notebook!.cells[2] as CodeCell).execution_count, null);

  const go = await executeNotebookObject(nb, "fake.ipynb", { ...search, allowErrors: true });
  assert.equal(go.status, "error", "the failure is still reported");
  assert.deepEqual(go.cells.map((c) => c.status), ["ok", "error", "ok"]);
  assert.deepEqual((go.notebook!.cells[2] as CodeCell).outputs, [{ output_type: "stream", name: "stdout", text: "three\n" }]);
  assert.equal(nb.cells[0]!.cell_type === "code" && nb.cells[0]!.outputs.length, 0, "the input notebook is not modified");
});

test("display updates reach a display shown by an earlier cell", async () => {
  const r = await executeNotebookObject(notebook("fake-signal", ["display p 0%", "update p 100%\nprint done"]), "fake.ipynb", {
    kernelSearch: { extraDirs: [dataDir] },
  });
  assert.equal(r.status, "ok");
  const cells = r.notebook!.cells as CodeCell[];
  assert.deepEqual(cells[0]!.outputs[0]!.output_type === "display_data" && cells[0]!.outputs[0]!.data, { "text/plain": "100%" });
  assert.deepEqual(cells[1]!.outputs, [{ output_type: "stream", name: "stdout", text: "done\n" }]);
});

test("npm run execute's command line: summary table, executed copies, exit code 1 when a notebook fails", async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nb-cli-"));
  const saved = process.env.JUPYTER_PATH;
  process.env.JUPYTER_PATH = dataDir;
  try {
    fs.writeFileSync(path.join(work, "a-fine.ipynb"), JSON.stringify(notebook("fake-signal", ["print hello"])));
    fs.copyFileSync(path.join(__dirname, "..", "fixtures", "notebooks", "invalid-json.ipynb"), path.join(work, "b-broken.ipynb"));
    const lines: string[] = [];
    const { code, results } = await runExecuteCli(["--timeout", "10", "--out", "out", "a-fine.ipynb", "b-broken.ipynb"], {
      root: work,
      cwd: work,
      log: (l) => lines.push(l),
    });
    const text = lines.join("\n");
    assert.equal(code, 1);
    assert.deepEqual(results.map((r) => r.status), ["ok", "invalid-notebook"]);
    assert.match(text, /per-cell timeout 10 s/);
    assert.match(text, /b-broken\.ipynb: invalid JSON at line 7, column 2/);
    assert.match(text, /\na-fine\.ipynb\s+1\/1\s+\d+\.\d\s+ok\nb-broken\.ipynb\s+0\/0\s+\d+\.\d\s+invalid\n2 notebooks, 1 failed/);
    const copy = JSON.parse(fs.readFileSync(path.join(work, "out", "a-fine.ipynb"), "utf8"));
    assert.deepEqual(copy.cells[0].outputs, [{ output_type: "stream", name: "stdout", text: ["hello\n"] }]);
    assert.equal(fs.existsSync(path.join(work, "out", "b-broken.ipynb")), false);
    const usage = await runExecuteCli(["--timeout", "0"], { root: work, log: (l) => lines.push(l) });
    assert.equal(usage.code, 2);
  } finally {
    if (saved === undefined) delete process.env.JUPYTER_PATH;
    else process.env.JUPYTER_PATH = saved;
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test("Ctrl-C on the runner kills the kernel it started (kernels run in their own process group)", async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nb-sigint-"));
  try {
    const pidFile = path.join(work, "kernel.pid");
    fs.writeFileSync(path.join(work, "slow.ipynb"), JSON.stringify(notebook("fake-signal", ["sleep 60000"])));
    const lib = path.join(__dirname, "..", "..", "lib", "src", "notebook");
    const script = `require(${JSON.stringify(lib)}).runExecuteCli([${JSON.stringify(path.join(work, "slow.ipynb"))}], { root: ${JSON.stringify(work)} })`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: path.join(__dirname, "..", ".."), // where tsx resolves
      env: { ...process.env, JUPYTER_PATH: dataDir, FAKE_KERNEL_PIDFILE: pidFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    const t0 = Date.now();
    while (!fs.existsSync(pidFile) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
    assert.ok(fs.existsSync(pidFile), `the kernel never started:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
    const kernelPid = Number(fs.readFileSync(pidFile, "utf8"));
    assert.equal(gone(kernelPid), false);
    child.kill("SIGINT");
    assert.equal(await exited, 130, output);
    assert.match(output, /SIGINT, 1 kernel killed/);
    // The orphaned kernel is reaped by init: give it a moment.
    const t1 = Date.now();
    while (!gone(kernelPid) && Date.now() - t1 < 5000) await new Promise((r) => setTimeout(r, 50));
    assert.ok(gone(kernelPid), "kernel survived the runner");
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
