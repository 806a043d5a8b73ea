import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  createMessage,
  decodeMessage,
  DisplayRegistry,
  encodeMessage,
  findFreePorts,
  findKernelSpec,
  formatFailure,
  formatSummary,
  KernelNotFoundError,
  kernelSearchPath,
  OutputCollector,
  parseExecuteArgs,
  parseNotebook,
  ProtocolError,
  readNotebook,
  serializeNotebook,
  type ExecutionResult,
  type Notebook,
  type Output,
} from "../../lib/src/notebook";

const FIX = path.join(__dirname, "..", "fixtures", "notebooks");

test("readNotebook reports invalid JSON with the file name, line and column", () => {
  const file = path.join(FIX, "invalid-json.ipynb");
  assert.throws(() => readNotebook(file), (e: Error) => {
    assert.match(e.message, /invalid-json\.ipynb: invalid JSON at line 7, column 2 \(character 77\)/);
    return true;
  });
});

test("readNotebook names a missing file and rejects documents that are not nbformat 4", () => {
  assert.throws(() => readNotebook(path.join(FIX, "does-not-exist.ipynb")), /does-not-exist\.ipynb: cannot read notebook: no such file/);
  assert.throws(() => parseNotebook('{"nbformat": 3, "cells": []}', "old.ipynb"), /old\.ipynb: unsupported nbformat 3; expected 4/);
  assert.throws(() => parseNotebook('{"nbformat": 4}', "x.ipynb"), /"cells" must be a list/);
  assert.throws(() => parseNotebook('{"nbformat": 4, "cells": [{"cell_type": "heading"}]}', "x.ipynb"), /cell 0 has cell_type "heading"/);
  assert.throws(() => parseNotebook("", "empty.ipynb"), /empty\.ipynb: invalid JSON at the end of the file/);
});

test("serializeNotebook drops transient display ids and writes text as lines like Jupyter", () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "code",
        id: "a",
        source: "x",
        metadata: {},
        execution_count: 1,
        outputs: [
          { output_type: "stream", name: "stdout", text: "1\n2\n" },
          { output_type: "display_data", data: { "text/plain": "p\nq", "image/png": "iVBOR" }, metadata: {}, transient: { display_id: "d" } },
        ],
      },
    ],
  };
  const back = JSON.parse(serializeNotebook(nb));
  assert.deepEqual(back.cells[0].outputs[0].text, ["1\n", "2\n"]);
  assert.deepEqual(back.cells[0].outputs[1], { output_type: "display_data", data: { "text/plain": ["p\n", "q"], "image/png": "iVBOR" }, metadata: {} });
});

test("messages are signed with HMAC-SHA256 and a tampered or unsigned message is rejected", () => {
  const key = "secret-key";
  const msg = createMessage("execute_request", { code: "1 + 1" }, "session-1");
  const frames = encodeMessage(msg, key);
  assert.equal(frames[0]!.toString(), "<IDS|MSG>");
  assert.match(frames[1]!.toString(), /^[0-9a-f]{64}$/);
  const back = decodeMessage([Buffer.from("topic"), ...frames], key);
  assert.deepEqual(back.content, { code: "1 + 1" });
  assert.equal(back.header.version, "5.3");
  assert.equal(back.identities[0]!.toString(), "topic");

  const tampered = frames.slice();
  tampered[5] = Buffer.from(JSON.stringify({ code: "evil()" }));
  assert.throws(() => decodeMessage(tampered, key), ProtocolError);
  assert.throws(() => decodeMessage(encodeMessage(msg, ""), key), /signature does not match/);
  assert.throws(() => decodeMessage(frames.slice(1), key), /no <IDS\|MSG> delimiter/);
});

test("consecutive writes to one stream merge; a write to the other stream starts a new output", () => {
  const c = new OutputCollector();
  c.handle("stream", { name: "stdout", text: "a\n" });
  c.handle("stream", { name: "stdout", text: "b\n" });
  c.handle("stream", { name: "stderr", text: "warn\n" });
  c.handle("stream", { name: "stdout", text: "c\n" });
  assert.deepEqual(c.outputs, [
    { output_type: "stream", name: "stdout", text: "a\nb\n" },
    { output_type: "stream", name: "stderr", text: "warn\n" },
    { output_type: "stream", name: "stdout", text: "c\n" },
  ]);
  assert.equal(c.stderr, "warn\n");
  assert.equal(c.handle("status", { execution_state: "idle" }), false);
});

test("update_display_data rewrites the output with the same display id, also in an earlier cell", () => {
  const displays = new DisplayRegistry();
  const cell1 = new OutputCollector(displays);
  cell1.handle("display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "bar" } });
  cell1.handle("display_data", { data: { "text/plain": "other" }, metadata: {}, transient: { display_id: "x" } });
  const cell2 = new OutputCollector(displays);
  cell2.handle("update_display_data", { data: { "text/plain": "100%" }, metadata: { done: true }, transient: { display_id: "bar" } });
  cell2.handle("update_display_data", { data: { "text/plain": "?" }, metadata: {}, transient: { display_id: "unknown" } });
  assert.deepEqual(cell1.outputs[0], { output_type: "display_data", data: { "text/plain": "100%" }, metadata: { done: true }, transient: { display_id: "bar" } });
  assert.deepEqual(cell1.outputs[1]!.output_type === "display_data" && cell1.outputs[1]!.data, { "text/plain": "other" });
  assert.deepEqual(cell2.outputs, [], "an update adds no output of its own");
});

test("clear_output empties the cell at once, or with wait=true at the next output", () => {
  const c = new OutputCollector();
  c.handle("stream", { name: "stdout", text: "1" });
  c.handle("clear_output", { wait: false });
  assert.deepEqual(c.outputs, []);
  c.handle("stream", { name: "stdout", text: "2" });
  c.handle("clear_output", { wait: true });
  assert.equal(c.outputs.length, 1, "wait=true keeps the old output until new output arrives");
  c.handle("execute_result", { execution_count: 4, data: { "text/plain": "3" }, metadata: {} });
  assert.deepEqual(c.outputs, [{ output_type: "execute_result", execution_count: 4, data: { "text/plain": "3" }, metadata: {} }]);
  c.handle("error", { ename: "TypeError", evalue: "x is not a function", traceback: ["TypeError: x"] });
  assert.deepEqual(c.error, { ename: "TypeError", evalue: "x is not a function", traceback: ["TypeError: x"] });
  assert.equal((c.outputs as Output[])[1]!.output_type, "error");
});

function tempKernelDir(names: Record<string, object>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-kspec-"));
  for (const [name, spec] of Object.entries(names)) {
    fs.mkdirSync(path.join(dir, "kernels", name), { recursive: true });
    fs.writeFileSync(path.join(dir, "kernels", name, "kernel.json"), JSON.stringify(spec));
  }
  return dir;
}

test("findKernelSpec searches the project's .jupyter first, then JUPYTER_PATH, then the standard dirs", () => {
  const project = tempKernelDir({ tslab: { argv: ["project-tslab", "{connection_file}"], language: "typescript" } });
  const user = tempKernelDir({
    tslab: { argv: ["user-tslab"], language: "typescript" },
    other: { argv: ["other", "{connection_file}"], display_name: "Other", interrupt_mode: "message", env: { A: "1" } },
  });
  try {
    const env = { JUPYTER_PATH: user, JUPYTER_DATA_DIR: path.join(project, "none") };
    const search = { projectDataDir: project, env };
    const order = kernelSearchPath(search);
    assert.deepEqual(order.slice(0, 3), [project, user, path.join(project, "none")]);
    assert.ok(order.includes("/usr/share/jupyter"));
    assert.equal(findKernelSpec("tslab", search).argv[0], "project-tslab");
    const other = findKernelSpec("OTHER", search);
    assert.equal(other.interruptMode, "message");
    assert.deepEqual(other.env, { A: "1" });
    assert.equal(other.resourceDir, path.join(user, "kernels", "other"));
    assert.equal(findKernelSpec("tslab", { ...search, extraDirs: [user] }).argv[0], "user-tslab", "extraDirs come first");
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(user, { recursive: true, force: true });
  }
});

test("an unknown kernel is an error naming the notebook and the kernels that exist", () => {
  const dir = tempKernelDir({ tslab: { argv: ["x"] }, jslab: { argv: ["y"] } });
  try {
    assert.throws(
      () => findKernelSpec("rust", { projectDataDir: dir, env: { JUPYTER_DATA_DIR: dir }, context: "notebooks/x.ipynb" }),
      (e: Error) => {
        assert.ok(e instanceof KernelNotFoundError);
        assert.match(e.message, /^notebooks\/x\.ipynb: no kernel named "rust"\. Kernels found: .*jslab.*tslab/);
        return true;
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("findFreePorts returns distinct bindable ports", async () => {
  const ports = await findFreePorts(5);
  assert.equal(new Set(ports).size, 5);
  for (const p of ports) assert.ok(p > 0 && p < 65536);
});

test("the execute command line takes --timeout, --out and notebook paths, and rejects bad values", () => {
  const a = parseExecuteArgs(["--timeout", "5", "--out=out", "a.ipynb"], "/root/proj", "/root/proj/sub");
  assert.equal(a.timeoutSeconds, 5);
  assert.equal(a.outputDir, "/root/proj/sub/out");
  assert.deepEqual(a.notebooks, ["/root/proj/sub/a.ipynb"]);
  assert.equal(parseExecuteArgs([], "/p").outputDir, "/p/build/executed");
  assert.equal(parseExecuteArgs([], "/p").timeoutSeconds, 120);
  assert.throws(() => parseExecuteArgs(["--timeout", "soon"], "/p"), /--timeout "soon" is not a positive number/);
  assert.throws(() => parseExecuteArgs(["--timeout"], "/p"), /--timeout needs a value/);
  assert.throws(() => parseExecuteArgs(["--tiemout", "3"], "/p"), /unknown option --tiemout; valid options: --timeout/);
});

test("the summary has one row per notebook with cells, seconds and status, and a total line", () => {
  const base = { codeCells: 3, cells: [] };
  const results: ExecutionResult[] = [
    { ...base, path: "n/a.ipynb", name: "a.ipynb", status: "ok", executedCells: 3, durationMs: 4200 },
    {
      ...base,
      path: "n/b.ipynb",
      name: "b.ipynb",
      status: "kernel-died",
      executedCells: 2,
      durationMs: 1000,
      failure: { status: "kernel-died", message: "n/b.ipynb: cell 2 (index 1): kernel died", cellIndex: 1, source: "process.exit(1);", stderr: "bye" },
    },
  ];
  const lines = formatSummary(results).split("\n");
  assert.match(lines[0]!, /^notebook\s+code cells\s+seconds\s+status$/);
  assert.match(lines[1]!, /^a\.ipynb\s+3\/3\s+4\.2\s+ok$/);
  assert.match(lines[2]!, /^b\.ipynb\s+2\/3\s+1\.0\s+kernel died \(cell 2\)$/);
  assert.equal(lines[3], "2 notebooks, 1 failed, 5.2 s");
  const report = formatFailure(results[1]!);
  assert.match(report, /kernel died\n  source:\n    1 \| process\.exit\(1\);\n  stderr:\n    bye/);
  assert.equal(formatFailure(results[0]!), "");
});
