// Notebook 2.5 (the Materials Project client) with an API key set and the API unreachable: the fake key must
// appear in no output, the snapshot fallback must be announced, and the retries must be waited through once,
// not once per query. Runs against lib/dist like execute-all.test.ts (`node scripts/setup.mjs` builds it).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { builtRunner, ROOT } from "../fixtures/built-runner";


const NOTEBOOK = path.join(ROOT, "notebooks", "2.5_databases_and_tools.ipynb");
// 32 characters like a real key (a wrong length is refused before any request), and easy to spot in a leak.
const FAKE_KEY = "LeakCanary" + "0123456789abcdefghijkl";

const { runner, why } = builtRunner();

/** A local port nothing listens on (connections are refused at once). */
async function refusedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test("notebook 2.5 with MP_API_KEY set and the API unreachable: the key is in no output, the snapshot answers, the retries run once", { skip: runner ? false : why, timeout: 180_000 }, async (t) => {
  assert.ok(fs.existsSync(NOTEBOOK), `${NOTEBOOK} is missing`);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "nb-mp-"));
  try {
    const endpoint = `http://127.0.0.1:${await refusedPort()}/`;
    const r = await runner!.executeNotebook(NOTEBOOK, { timeoutSeconds: 120, outputDir: out, env: { MP_API_KEY: FAKE_KEY, MP_API_ENDPOINT: endpoint } });
    for (const line of runner!.formatSummary([r]).split("\n")) t.diagnostic(line);
    assert.equal(r.status, "ok", `\n${runner!.formatFailure(r)}`);

    // Everything the run produced: every cell's outputs (stdout, stderr, displays, errors) as written to the
    // executed copy, and the stderr the runner captured per cell.
    const written = fs.readFileSync(r.outputPath!, "utf8");
    const everything = [written, JSON.stringify(r.notebook), ...r.cells.map((c) => c.stderr), r.failure?.stderr ?? ""].join("\n");
    assert.ok(!everything.includes(FAKE_KEY), "the API key appears in the notebook's outputs");
    assert.ok(!everything.includes(encodeURIComponent(FAKE_KEY)));

    const text = r.notebook!.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : [])).map((o) => JSON.stringify(o)).join("\n");
    assert.match(text, /the API cannot be reached \(.*ECONNREFUSED.*answering from the shipped snapshot/);
    assert.match(text, /source: snapshot/);
    // Five queries; only the first may wait through the retries (3 by default), later ones answer at once.
    assert.equal(text.match(/retry \d\/\d/g)?.length, 3, "the retries were waited through more than once");
    // nbgrader scores any stderr of a grade cell as a failure; a query there must not log retries.
    for (const c of r.notebook!.cells) {
      if (c.cell_type !== "code" || !c.metadata.tags?.includes("tests")) continue;
      const stderr = c.outputs.filter((o) => o.output_type === "stream" && (o as { name?: string }).name === "stderr");
      assert.deepEqual(stderr, [], `grade cell ${c.id} wrote to stderr`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
