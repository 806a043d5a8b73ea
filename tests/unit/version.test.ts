import { test } from "node:test";
import assert from "node:assert/strict";
import { VERSION } from "../../lib/src/index";
import pkg from "../../lib/package.json";

test("the library's VERSION matches lib/package.json", () => {
  assert.equal(VERSION, pkg.version);
});
