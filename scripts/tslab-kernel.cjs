#!/usr/bin/env node
// Starts the project's tslab kernel (the argv of .jupyter/share/jupyter/kernels/{tslab,jslab}/kernel.json).
//
// Why a launcher: tslab 1.0.22 starts its receive loops and binds its five ZeroMQ sockets concurrently and never
// awaits its sends. zeromq 6 rejects a send or receive on a socket whose bind is still in progress with EBUSY
// ("Socket is blocked by a bind or unbind operation"), and a send while another send is pending with EBUSY too. On a
// loaded machine the client's first kernel_info_request can arrive in that window: the rejection is unhandled, the
// shell loop dies and the kernel never answers (Jupyter reports "Kernel didn't respond"). We retry such sends and
// receives after the pending operation settles, so the messages go out in order.
//
// It also answers three shell requests correctly that tslab answers wrongly or not at all (kernel_info_reply
// status, comm_info_reply, history_reply), and reports a failing cell as an `error` output with ename/evalue (which
// nbgrader needs to grade a failing test cell as failed); see tests/integration/tslab_kernel_test.py.
"use strict";
const crypto = require("node:crypto");
const path = require("node:path");

const tslabDir = path.dirname(require.resolve("tslab/package.json", { paths: [path.join(__dirname, "..")] }));
// the zeromq instance tslab itself resolves (patching another copy would change nothing)
const zmq = require(require.resolve("zeromq", { paths: [tslabDir] }));

const RETRY_MS = 5;
const MAX_WAIT_MS = 30000;

// the native methods are non-writable but configurable properties
function replace(proto, name, fn) {
  Object.defineProperty(proto, name, { value: fn, writable: false, enumerable: false, configurable: true });
}

function isBusy(err) {
  return Boolean(err) && err.code === "EBUSY";
}

function withBusyRetry(proto, name) {
  const original = proto[name];
  if (typeof original !== "function" || original.__batteryMiRetry) return;
  const patched = function (...args) {
    const started = Date.now();
    const attempt = () => {
      let result;
      try {
        result = original.apply(this, args);
      } catch (err) {
        if (!isBusy(err) || Date.now() - started > MAX_WAIT_MS) throw err;
        return new Promise((resolve) => setTimeout(resolve, RETRY_MS)).then(attempt);
      }
      return Promise.resolve(result).catch((err) => {
        if (!isBusy(err) || Date.now() - started > MAX_WAIT_MS) throw err;
        return new Promise((resolve) => setTimeout(resolve, RETRY_MS)).then(attempt);
      });
    };
    return attempt();
  };
  patched.__batteryMiRetry = true;
  replace(proto, name, patched);
}

// Sends must also stay in order: tslab fires several (status busy, reply, status idle) without awaiting, so each
// socket's sends are chained one after another.
function serialiseSends(proto) {
  const send = proto.send;
  if (typeof send !== "function" || send.__batteryMiSerial) return;
  const queues = new WeakMap();
  const serial = function (...args) {
    const previous = queues.get(this) || Promise.resolve();
    const next = previous.catch(() => undefined).then(() => send.apply(this, args));
    queues.set(this, next);
    // tslab never awaits its sends: a failed one (e.g. a socket closed at shutdown) must not become an unhandled
    // rejection, which would end the kernel process; a caller that awaits still sees the error
    next.catch(() => undefined);
    return next;
  };
  serial.__batteryMiSerial = true;
  replace(proto, "send", serial);
}

/** Applies the retry and ordering fixes to a zeromq module's Socket class (idempotent). */
function patchZeromq(zeromq) {
  withBusyRetry(zeromq.Socket.prototype, "send");
  withBusyRetry(zeromq.Socket.prototype, "receive");
  serialiseSends(zeromq.Socket.prototype);
  return zeromq;
}

// ---- protocol fixes (Jupyter messaging 5.3) for three replies tslab gets wrong -------------------------------

const DELIM = Buffer.from("<IDS|MSG>");

/** A shell message in the wire format, with what tslab's publishStatus needs (createReply, signAndSend). */
class WireMessage {
  static parse(key, frames) {
    const at = frames.findIndex((f) => Buffer.from(f).equals(DELIM));
    if (at < 0) throw new Error("message missing the <IDS|MSG> delimiter");
    const parts = frames.slice(at + 2).map((f) => Buffer.from(f));
    const mac = crypto.createHmac("sha256", key);
    for (const p of parts.slice(0, 4)) mac.update(p);
    const signature = Buffer.from(frames[at + 1]).toString();
    if (key && mac.digest("hex") !== signature) throw new Error("invalid message signature");
    const m = new WireMessage();
    m.identity = frames.slice(0, at);
    m.header = JSON.parse(parts[0].toString());
    m.parent = JSON.parse(parts[1].toString());
    m.metadata = JSON.parse(parts[2].toString());
    m.content = JSON.parse(parts[3].toString());
    return m;
  }
  createReply() {
    const r = new WireMessage();
    r.identity = this.identity;
    r.header = {
      version: "5.3",
      date: new Date().toISOString(),
      session: this.header.session,
      username: this.header.username,
      msg_type: this.header.msg_type,
      msg_id: crypto.randomBytes(16).toString("hex"),
    };
    r.parent = this.header;
    r.metadata = {};
    r.content = {};
    return r;
  }
  signAndSend(key, sock) {
    const bodies = [this.header, this.parent, this.metadata, this.content].map((o) => JSON.stringify(o));
    const mac = crypto.createHmac("sha256", key);
    for (const b of bodies) mac.update(b);
    return sock.send([...this.identity, DELIM, mac.digest("hex"), ...bodies]);
  }
}

/** Peeks at a raw shell message's msg_type without verifying it (undefined when it cannot be read). */
function peekType(frames) {
  try {
    const at = frames.findIndex((f) => Buffer.from(f).equals(DELIM));
    return at < 0 ? undefined : JSON.parse(Buffer.from(frames[at + 2]).toString()).msg_type;
  } catch {
    return undefined;
  }
}

// Replies tslab 1.0.22 gets wrong: kernel_info_reply without the required status, comm_info_request answered as a
// complete_reply, history_request never answered (JupyterLab's console asks for it to fill its up-arrow history).
const OWN_REPLIES = {
  kernel_info_request(msg) {
    return ["kernel_info_reply", { status: "ok", ...this.handler.handleKernel() }];
  },
  comm_info_request() {
    return ["comm_info_reply", { status: "ok", comms: {} }];
  },
  history_request(msg) {
    return ["history_reply", { status: "ok", history: queryHistory(this.handler, msg.content) }];
  },
};

// ---- stop_on_error ----------------------------------------------------------------------------------------------

/**
 * tslab aborts every execute_request that arrives within 200 ms after a failing cell (its way to stop "Run All"),
 * whatever the request's `stop_on_error`. A client that sends cells one by one with stop_on_error false — nbclient
 * and nbgrader's autograder with allow_errors — then gets the next cell aborted without output, and nbgrader would
 * grade that test cell as passed. Requests with stop_on_error false therefore run in the queue without poisoning
 * it (a failure is caught inside the task), and tslab's non-standard status "abort" becomes the protocol's
 * "aborted" (in ZmqServer.handleExecute above).
 */
function honourStopOnError(jupyter) {
  const proto = jupyter.JupyterHandlerImpl.prototype;
  if (proto.handleExecute.__batteryMiStopOnError) return;
  const original = proto.handleExecute;
  const patched = async function (req, writeStream, writeDisplayData) {
    if (!req || req.stop_on_error !== false) return original.call(this, req, writeStream, writeDisplayData);
    let outcome;
    try {
      outcome = await this.execQueue.add(() =>
        this.handleExecuteImpl(req, writeStream, writeDisplayData).then(
          (count) => ({ ok: true, count }),
          (err) => ({ ok: false, err }),
        ),
      );
    } catch {
      // cancelled: an earlier request with stop_on_error true failed and asked to abort what was queued
      return { status: "aborted", execution_count: undefined };
    }
    if (outcome.ok) return { status: "ok", execution_count: outcome.count ? outcome.count.count : undefined };
    const err = outcome.err;
    // tslab throws its ExecutionCount object for a failed cell; anything else is tslab's own failure
    if (!(err && typeof err.count === "number")) console.error("unexpected error:", err);
    return { status: "error", execution_count: err && typeof err.count === "number" ? err.count : undefined };
  };
  patched.__batteryMiStopOnError = true;
  proto.handleExecute = patched;
}

// ---- input history (history_request), kept in memory for this kernel process -----------------------------------

const HISTORY_SESSION = 1;
/** Cells run with store_history, as [session, execution_count, code]. */
const HISTORY = [];

/** Records each stored execution with the execution_count tslab gave it (from its own reply). */
function recordHistory(jupyter) {
  const proto = jupyter.JupyterHandlerImpl.prototype;
  if (proto.handleExecute.__batteryMiHistory) return;
  const original = proto.handleExecute;
  const patched = async function (req, ...rest) {
    const reply = await original.call(this, req, ...rest);
    if (req && req.store_history !== false && !req.silent && reply && Number.isInteger(reply.execution_count)) {
      HISTORY.push([HISTORY_SESSION, reply.execution_count, String(req.code)]);
    }
    return reply;
  };
  patched.__batteryMiHistory = true;
  proto.handleExecute = patched;
}

/** Glob (`*`, `?`) to a whole-string regular expression, as IPython's history search. */
function globToRegExp(glob) {
  const body = String(glob).replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}

/** Answers a history_request: hist_access_type tail, range or search (with n and unique); output is not kept. */
function queryHistory(_handler, content) {
  const c = content || {};
  const withOutput = (e) => (c.output ? [e[0], e[1], [e[2], null]] : e);
  let rows = HISTORY;
  if (c.hist_access_type === "range") {
    const session = c.session === undefined || c.session === 0 ? HISTORY_SESSION : c.session;
    const start = Number.isInteger(c.start) ? c.start : 0;
    const stop = Number.isInteger(c.stop) ? c.stop : Infinity;
    rows = HISTORY.filter((e) => e[0] === session && e[1] >= start && e[1] < stop);
  } else if (c.hist_access_type === "search") {
    const re = globToRegExp(c.pattern === undefined ? "*" : c.pattern);
    rows = HISTORY.filter((e) => re.test(e[2]));
    if (c.unique) {
      const seen = new Set();
      rows = rows.filter((e) => (seen.has(e[2]) ? false : (seen.add(e[2]), true)));
    }
    if (Number.isInteger(c.n) && c.n > 0) rows = rows.slice(-c.n);
  } else if (c.hist_access_type === "tail") {
    rows = Number.isInteger(c.n) && c.n > 0 ? HISTORY.slice(-c.n) : HISTORY.slice(-1000);
  } else {
    rows = [];
  }
  return rows.map(withOutput);
}

/** Routes the three message types above to correct replies; everything else goes to tslab unchanged. */
function patchTslabProtocol(jupyter) {
  const proto = jupyter.ZmqServer.prototype;
  if (proto.handleShellMessage.__batteryMiProtocol) return;
  const original = proto.handleShellMessage;
  const patched = async function (sock, ...frames) {
    const type = peekType(frames);
    if (!type || !Object.prototype.hasOwnProperty.call(OWN_REPLIES, type)) return original.call(this, sock, ...frames);
    let msg;
    try {
      msg = WireMessage.parse(this.connInfo.key, frames);
    } catch {
      return original.call(this, sock, ...frames); // tslab reports the bad message its own way
    }
    this.publishStatus("busy", msg);
    try {
      const [replyType, content] = OWN_REPLIES[type].call(this, msg);
      const reply = msg.createReply();
      reply.header.msg_type = replyType;
      reply.content = content;
      await reply.signAndSend(this.connInfo.key, sock);
    } finally {
      this.publishStatus("idle", msg);
    }
  };
  patched.__batteryMiProtocol = true;
  proto.handleShellMessage = patched;

  // A failing cell: tslab replies status "error" without ename/evalue/traceback and sends no `error` iopub message,
  // only the error text on stderr. nbgrader grades a test cell by the presence of an `error` output, so without
  // this a failing autograded cell would earn full marks. Same steps as tslab's handleExecute, plus the error.
  proto.handleExecute = async function (sock, msg) {
    const key = this.connInfo.key;
    let stderr = "";
    const writeStream = (name, text) => {
      if (name === "stderr") stderr += text;
      const out = msg.createReply();
      out.header.msg_type = "stream";
      out.content = { name, text };
      out.signAndSend(key, this.iopub);
    };
    const writeDisplayData = (data, update) => {
      const out = msg.createReply();
      out.header.msg_type = update ? "update_display_data" : "display_data";
      out.content = data;
      out.signAndSend(key, this.iopub);
    };
    const content = await this.handler.handleExecute(msg.content, writeStream, writeDisplayData);
    if (content && content.status === "abort") content.status = "aborted";
    if (content && content.status === "error") {
      const err = describeError(stderr);
      Object.assign(content, err);
      const out = msg.createReply();
      out.header.msg_type = "error";
      out.content = err;
      out.signAndSend(key, this.iopub);
    }
    const reply = msg.createReply();
    reply.header.msg_type = "execute_reply";
    reply.content = content;
    reply.signAndSend(key, sock);
  };
}

/**
 * ename/evalue/traceback for a failed cell from the text tslab wrote to stderr: a JavaScript error's name and
 * message ("AssertionError [ERR_ASSERTION]: one is not two" → AssertionError, "one is not two"), TypeScript
 * diagnostics ("1:7 - Type 'string' is not assignable ...") as TypeScriptError, anything else (a thrown string) as
 * Error. The traceback is the one-line summary: the full text is already in the cell's stderr output.
 */
function describeError(stderr) {
  const lines = String(stderr).split(/\r?\n/);
  for (const line of lines) {
    const m = /^((?:[A-Za-z_$][\w$]*)?(?:Error|Exception))(?: \[[^\]]+\])?(?:: ?(.*))?$/.exec(line);
    if (m) return summary(m[1], m[2] === undefined ? "" : m[2]);
  }
  const diagnostics = lines.filter((l) => /^\d+:\d+ - /.test(l));
  if (diagnostics.length > 0) return summary("TypeScriptError", diagnostics.join("; "));
  const first = lines.find((l) => l.trim() !== "");
  return summary("Error", first === undefined ? "the cell failed without an error message" : first.trim());
}

function summary(ename, evalue) {
  return { ename, evalue, traceback: [evalue ? `${ename}: ${evalue}` : ename] };
}

module.exports = { patchZeromq, patchTslabProtocol, honourStopOnError, recordHistory, queryHistory, globToRegExp, describeError, tslabDir, zmq, WireMessage };

if (require.main === module) {
  patchZeromq(zmq);
  const jupyter = require(path.join(tslabDir, "dist", "jupyter.js"));
  patchTslabProtocol(jupyter);
  honourStopOnError(jupyter);
  recordHistory(jupyter);
  require(path.join(tslabDir, "dist", "main.js")).main();
}
