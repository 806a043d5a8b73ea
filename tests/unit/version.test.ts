import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { VERSION } from "../../lib/src/index";
import pkg from "../../lib/package.json";

test("the library's VERSION matches lib/package.json", () => {
  assert.equal(VERSION, pkg.version);
});

test("every subpath in lib/package.json exports has a source area and resolves from the built package", () => {
  const root = path.resolve(__dirname, "..", "..");
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== "." && k !== "./package.json");
  const areas = fs.readdirSync(path.join(root, "lib", "src"), { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== "shims").map((d) => d.name);
  assert.deepEqual(subpaths.map((s) => s.slice(2)).sort(), areas.filter((a) => fs.existsSync(path.join(root, "lib", "src", a, "index.ts"))).sort());
  for (const a of areas) assert.ok(fs.existsSync(path.join(root, "lib", "src", a, "index.ts")), `lib/src/${a} has no index.ts`);
  // Resolve as a notebook would: by package name from the project root (needs the built lib/dist).
  const req = createRequire(path.join(root, "package.json"));
  for (const s of subpaths) {
    const file = req.resolve(`battery-mi/${s.slice(2)}`);
    assert.ok(fs.existsSync(file), file);
    assert.ok(fs.existsSync(file.replace(/\.js$/, ".d.ts")), `${s}: no declarations`);
  }
});
