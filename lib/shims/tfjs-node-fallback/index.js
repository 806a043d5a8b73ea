"use strict";
// danfojs-node 1.2 requires "@tensorflow/tfjs-node" unconditionally; that package cannot install where its
// libtensorflow download is unreachable. The root overrides point danfojs-node's dependency here. We hand
// out the native package when it is installed and its binding loads, and the pure-JS @tensorflow/tfjs
// otherwise, so danfojs always shares the one tfjs-core that battery-mi uses.
let tf;
try {
  tf = require("@tensorflow/tfjs-node");
} catch {
  tf = require("@tensorflow/tfjs");
}
module.exports = tf;
