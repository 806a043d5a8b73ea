#!/usr/bin/env node
// Starts the project's tslab kernel (the argv of .jupyter/share/jupyter/kernels/{tslab,jslab}/kernel.json).
//
// Why a launcher: tslab 1.0.22 starts its receive loops and binds its five ZeroMQ sockets concurrently and never
// awaits its sends. zeromq 6 rejects a send or receive on a socket whose bind is still in progress with EBUSY
// ("Socket is blocked by a bind or unbind operation"), and a send while another send is pending with EBUSY too. On a
// loaded machine the client's first kernel_info_request can arrive in that window: the rejection is unhandled, the
// shell loop dies and the kernel never answers (Jupyter reports "Kernel didn't respond"). We retry such sends and
// receives after the pending operation settles, so the messages go out in order and nothing else changes.
"use strict";
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

module.exports = { patchZeromq, tslabDir, zmq };

if (require.main === module) {
  patchZeromq(zmq);
  require(path.join(tslabDir, "dist", "main.js")).main();
}
