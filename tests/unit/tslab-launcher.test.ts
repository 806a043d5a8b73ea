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
