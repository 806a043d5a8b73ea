import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { REPO_ROOT } from "../helpers/paths";

// scripts/tslab-kernel.cjs (the kernel.json argv) fixes tslab's start-up race: a message that arrives while a socket's
// bind is still pending made zeromq reject the next receive/send with EBUSY, and the kernel stopped answering.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const launcher = require(path.join(REPO_ROOT, "scripts", "tslab-kernel.cjs")) as {
  patchZeromq: (z: unknown) => unknown;
  zmq: typeof import("zeromq");
};
const zmq = launcher.zmq;

test("unpatched zeromq rejects receive and send during a pending bind with EBUSY (the race the launcher fixes)", async () => {
  const r = new zmq.Router();
  const bound = r.bind("tcp://127.0.0.1:*");
  await assert.rejects(async () => r.receive(), (e: NodeJS.ErrnoException) => e.code === "EBUSY");
  await bound;
  r.close();
});

test("with the launcher's patch, receive and send issued during a bind wait for it, and sends keep their order", async () => {
  launcher.patchZeromq(zmq);
  launcher.patchZeromq(zmq); // idempotent
  const router = new zmq.Router();
  const bound = router.bind("tcp://127.0.0.1:*");
  const received = router.receive(); // what tslab's shell loop does before its bind resolves
  await bound;
  const dealer = new zmq.Dealer();
  dealer.connect(router.lastEndpoint as string);
  await dealer.send(["kernel_info_request"]);
  const [identity, body] = await received;
  assert.equal(body.toString(), "kernel_info_request");
  // three un-awaited sends, as tslab's status busy / reply / status idle
  void router.send([identity, "busy"]);
  void router.send([identity, "reply"]);
  await router.send([identity, "idle"]);
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push((await dealer.receive())[0].toString());
  assert.deepEqual(got, ["busy", "reply", "idle"]);
  router.close();
  dealer.close();

  // a send during a pending bind waits for the bind instead of failing
  const pub = new zmq.Publisher();
  const pubBound = pub.bind("tcp://127.0.0.1:*");
  await Promise.all([pub.send(["status", "starting"]), pubBound]);
  pub.close();
});

test("WireMessage parses and signs the Jupyter wire format (HMAC-SHA256), refusing a bad signature", async () => {
  const { WireMessage } = require(path.join(REPO_ROOT, "scripts", "tslab-kernel.cjs")) as {
    WireMessage: { parse(key: string, frames: Buffer[]): { header: { msg_type: string }; content: unknown; createReply(): { header: { msg_type: string }; content: unknown; signAndSend(key: string, sock: { send(f: unknown[]): Promise<void> }): Promise<void> } } };
  };
  const key = "secret";
  const parts = [{ msg_type: "history_request", session: "s", username: "u", msg_id: "1", version: "5.3" }, {}, {}, { hist_access_type: "tail", n: 1 }].map((o) => JSON.stringify(o));
  const crypto = await import("node:crypto");
  const mac = crypto.createHmac("sha256", key);
  for (const p of parts) mac.update(p);
  const frames = [Buffer.from("id"), Buffer.from("<IDS|MSG>"), Buffer.from(mac.digest("hex")), ...parts.map((p) => Buffer.from(p))];
  const msg = WireMessage.parse(key, frames);
  assert.equal(msg.header.msg_type, "history_request");
  assert.throws(() => WireMessage.parse("other", frames), /signature/);
  const reply = msg.createReply();
  reply.header.msg_type = "history_reply";
  let sent: unknown[] = [];
  await reply.signAndSend(key, { send: async (f) => void (sent = f) });
  assert.equal(String(sent[0]), "id");
  assert.equal(String(sent[1]), "<IDS|MSG>");
  const back = WireMessage.parse(key, sent.map((f) => Buffer.from(f as string | Buffer)));
  assert.equal(back.header.msg_type, "history_reply");
});

test("history queries: tail, range, search with glob, unique and n", () => {
  const l = require(path.join(REPO_ROOT, "scripts", "tslab-kernel.cjs")) as {
    recordHistory(j: unknown): void;
    queryHistory(h: unknown, c: Record<string, unknown>): [number, number, unknown][];
  };
  class FakeHandler {
    count = 0;
    async handleExecute(req: { code: string }) {
      return { status: "ok", execution_count: ++this.count, code: req.code };
    }
  }
  l.recordHistory({ JupyterHandlerImpl: FakeHandler });
  const h = new FakeHandler();
  return (async () => {
    for (const code of ["1 + 2", "const a = 1", "1 + 2"]) await h.handleExecute({ code });
    await (h.handleExecute as (r: unknown) => Promise<unknown>)({ code: "quiet", store_history: false });
    assert.deepEqual(l.queryHistory(h, { hist_access_type: "tail", n: 2 }).map((e) => e[2]), ["const a = 1", "1 + 2"]);
    assert.deepEqual(l.queryHistory(h, { hist_access_type: "range", session: 1, start: 2, stop: 3 }).map((e) => e[1]), [2]);
    assert.equal(l.queryHistory(h, { hist_access_type: "search", pattern: "1 + *" }).length, 2);
    assert.equal(l.queryHistory(h, { hist_access_type: "search", pattern: "1 + *", unique: true }).length, 1);
    assert.deepEqual(l.queryHistory(h, { hist_access_type: "tail", n: 1, output: true })[0][2], ["1 + 2", null]);
  })();
});

test("a failed cell's stderr becomes ename/evalue (JS errors, assertion errors, TypeScript diagnostics, thrown values)", () => {
  const { describeError } = require(path.join(REPO_ROOT, "scripts", "tslab-kernel.cjs")) as {
    describeError(s: string): { ename: string; evalue: string; traceback: string[] };
  };
  // texts as tslab 1.0.22 writes them to stderr
  assert.deepEqual(describeError('evalmachine.<anonymous>:2\nthrow new Error("boom");\n^\n\nError: boom\n    at evalmachine.<anonymous>:2:7\n'), { ename: "Error", evalue: "boom", traceback: ["Error: boom"] });
  assert.deepEqual(describeError("node:assert:90\n  throw new AssertionError(obj);\n  ^\n\nAssertionError [ERR_ASSERTION]: one is not two\n\n1 !== 2\n").ename, "AssertionError");
  assert.equal(describeError("node:assert:90\n\nAssertionError [ERR_ASSERTION]: one is not two\n").evalue, "one is not two");
  assert.deepEqual(describeError("1:7 - Type 'string' is not assignable to type 'number'.\n"), {
    ename: "TypeScriptError",
    evalue: "1:7 - Type 'string' is not assignable to type 'number'.",
    traceback: ["TypeScriptError: 1:7 - Type 'string' is not assignable to type 'number'."],
  });
  assert.equal(describeError("RangeError: bad range\n    at x\n").ename, "RangeError");
  assert.deepEqual(describeError("a string\n"), { ename: "Error", evalue: "a string", traceback: ["Error: a string"] });
  assert.equal(describeError("").ename, "Error");
});
