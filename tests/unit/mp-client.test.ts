import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { MPClient, MPError, MaterialsProject } from "../../lib/src/data/mp";

const KEY = "abcdefghijklmnopqrstuvwxyz012345"; // 32 characters, like a real key; must never leak
type Handler = (req: http.IncomingMessage, url: URL, res: http.ServerResponse) => void;

/** A local server speaking the MP envelope; each test installs its own handler. */
let server: http.Server;
let base = "";
let handler: Handler = (_q, _u, res) => res.end("{}");
const seen: { url: URL; key: string | undefined }[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    seen.push({ url, key: req.headers["x-api-key"] as string | undefined });
    handler(req, url, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const electrodes = Array.from({ length: 2345 }, (_, i) => ({ battery_id: `mp-${i}_Li`, average_voltage: 2 + (i % 30) / 10, capacity_grav: 100 + i }));

function envelope(res: http.ServerResponse, data: unknown[], total: number): void {
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ data, meta: { api_version: "test", time_stamp: new Date().toISOString(), total_doc: total, max_limit: 1000 } }));
}

function pagingHandler(req: http.IncomingMessage, url: URL, res: http.ServerResponse): void {
  if (req.headers["x-api-key"] !== KEY) {
    res.statusCode = 403;
    return void res.end(JSON.stringify({ detail: "Invalid API key" }));
  }
  const allowed = new Set(["working_ion", "average_voltage_min", "average_voltage_max", "_fields", "_limit", "_skip", "battery_ids"]);
  for (const k of url.searchParams.keys()) {
    if (!allowed.has(k)) {
      res.statusCode = 400;
      return void res.end(JSON.stringify({ detail: `Request contains query parameters which cannot be used: ${k}` }));
    }
  }
  const limit = Number(url.searchParams.get("_limit"));
  if (limit > 1000) {
    res.statusCode = 400;
    return void res.end(JSON.stringify({ detail: "limit too large" }));
  }
  const skip = Number(url.searchParams.get("_skip"));
  let rows = electrodes;
  const ids = url.searchParams.get("battery_ids");
  if (ids) rows = rows.filter((r) => ids.split(",").includes(r.battery_id));
  const lo = Number(url.searchParams.get("average_voltage_min") ?? -Infinity);
  const hi = Number(url.searchParams.get("average_voltage_max") ?? Infinity);
  rows = rows.filter((r) => r.average_voltage >= lo && r.average_voltage <= hi);
  envelope(res, rows.slice(skip, skip + limit), rows.length);
}

const quiet = { log: () => undefined, backoffMs: 5 };

describe("Materials Project client against a local server speaking the real envelope", () => {
  test("pages with _limit/_skip until meta.total_doc documents are collected, sending X-API-KEY", async () => {
    handler = pagingHandler;
    seen.length = 0;
    const mp = new MPClient({ apiKey: KEY, endpoint: base, ...quiet });
    const docs = await mp.searchInsertionElectrodes({ working_ion: "Li", fields: ["battery_id", "average_voltage"] });
    assert.equal(docs.length, electrodes.length);
    assert.equal(seen.length, 3);
    assert.deepEqual(seen.map((s) => s.url.searchParams.get("_skip")), ["0", "1000", "2000"]);
    assert.ok(seen.every((s) => s.key === KEY && s.url.pathname === "/materials/insertion_electrodes/"));
    assert.ok(seen.every((s) => !s.url.search.includes(KEY)), "the key must not be in the URL");
  });

  test("ranges become _min/_max and _fields lists the requested fields; maxDocs stops early", async () => {
    handler = pagingHandler;
    seen.length = 0;
    const mp = new MPClient({ apiKey: KEY, endpoint: base, ...quiet });
    const docs = await mp.searchInsertionElectrodes({ average_voltage: [3, 4.5], fields: ["battery_id"], maxDocs: 50 });
    assert.equal(docs.length, 50);
    const q = seen[0].url.searchParams;
    assert.equal(q.get("average_voltage_min"), "3");
    assert.equal(q.get("average_voltage_max"), "4.5");
    assert.equal(q.get("_fields"), "battery_id");
    assert.equal(q.get("_limit"), "50");
  });

  test("long id lists are chunked into several requests", async () => {
    handler = pagingHandler;
    seen.length = 0;
    const mp = new MPClient({ apiKey: KEY, endpoint: base, idChunkSize: 100, ...quiet });
    const ids = electrodes.slice(0, 250).map((e) => e.battery_id);
    const docs = await mp.searchInsertionElectrodes({ battery_ids: ids });
    assert.equal(docs.length, 250);
    assert.equal(seen.length, 3);
    assert.ok(seen.every((s) => (s.url.searchParams.get("battery_ids") ?? "").split(",").length <= 100));
  });

  test("429 with Retry-After is retried after the server's delay, then succeeds", async () => {
    let calls = 0;
    const times: number[] = [];
    handler = (_q, _u, res) => {
      times.push(Date.now());
      if (++calls === 1) {
        res.statusCode = 429;
        res.setHeader("Retry-After", "1");
        return void res.end(JSON.stringify({ detail: "rate limited" }));
      }
      envelope(res, [{ material_id: "mp-1" }], 1);
    };
    const logs: string[] = [];
    const mp = new MPClient({ apiKey: KEY, endpoint: base, backoffMs: 5, log: (m) => logs.push(m) });
    const docs = await mp.searchSummary({ chemsys: "Li-Co-O" });
    assert.equal(docs.length, 1);
    assert.equal(calls, 2);
    assert.ok(times[1] - times[0] >= 900, `waited ${times[1] - times[0]} ms, Retry-After said 1 s`);
    assert.ok(logs.some((l) => /HTTP 429; retry 1\/3 in 1000 ms/.test(l)));
  });

  test("503 and 502 are retried with backoff; 500 is not and is reported with the status", async () => {
    let calls = 0;
    handler = (_q, _u, res) => {
      calls++;
      res.statusCode = calls < 3 ? (calls === 1 ? 503 : 502) : 200;
      if (calls < 3) return void res.end("busy");
      envelope(res, [], 0);
    };
    const mp = new MPClient({ apiKey: KEY, endpoint: base, ...quiet });
    assert.deepEqual(await mp.searchSummary({}), []);
    assert.equal(calls, 3);
    calls = 0;
    handler = (_q, _u, res) => {
      calls++;
      res.statusCode = 500;
      res.end(JSON.stringify({ detail: "internal error" }));
    };
    await assert.rejects(mp.searchSummary({}), (e: unknown) => e instanceof MPError && e.status === 500 && /HTTP 500.*internal error/.test(e.message));
    assert.equal(calls, 1);
  });

  test("malformed JSON and an unexpected envelope are clear errors", async () => {
    const mp = new MPClient({ apiKey: KEY, endpoint: base, ...quiet });
    handler = (_q, _u, res) => res.end("{not json");
    await assert.rejects(mp.searchSummary({}), /malformed JSON/);
    handler = (_q, _u, res) => res.end(JSON.stringify({ results: [] }));
    await assert.rejects(mp.searchSummary({}), /expected \{data: \[\.\.\.\], meta: \{total_doc\}\}, got keys \[results\]/);
  });

  test("documents are checked field by field: the error names endpoint, document, field, expected type and value", async () => {
    const mp = new MPClient({ apiKey: KEY, endpoint: base, ...quiet });
    const reply = (docs: unknown[]): Handler => (_q, _u, res) => envelope(res, docs, docs.length);
    const rejects = (p: Promise<unknown>, re: RegExp) =>
      assert.rejects(p, (e: unknown) => e instanceof MPError && e.status === 200 && re.test(e.message) && !e.message.includes(KEY));
    handler = reply([{ material_id: 5, energy_above_hull: "abc" }]);
    await rejects(mp.searchSummary({}), /from materials\/summary: document 0 field "material_id" should be a string, got 5 \(GET materials\/summary\/\?/);
    handler = reply([{ material_id: "mp-1" }, { material_id: "mp-2", energy_above_hull: "abc" }]);
    await rejects(mp.searchSummary({}), /document 1 field "energy_above_hull" should be a finite number or null, got "abc"/);
    handler = reply([{ material_id: "mp-1", symmetry: { number: "225" } }]);
    await rejects(mp.searchSummary({}), /field "symmetry.number" should be a finite number or null, got "225"/);
    handler = reply([{ material_id: "mp-1", band_gap: KEY }]);
    await rejects(mp.searchSummary({}), /field "band_gap" should be a finite number or null, got "\*\*\*"/);
    handler = reply([{ battery_id: "mp-1_Li", elements: "Li,O" }]);
    await rejects(mp.searchInsertionElectrodes({}), /from materials\/insertion_electrodes: document 0 field "elements" should be an array of strings or null, got "Li,O"/);
    handler = (_q, _u, res) => res.end('{"data": [{"battery_id": "mp-1_Li", "average_voltage": 1e999}], "meta": {"total_doc": 1}}');
    await rejects(mp.searchInsertionElectrodes({}), /field "average_voltage" should be a finite number or null, got Infinity/);
    handler = reply([7]);
    await rejects(mp.searchInsertionElectrodes({}), /document 0 should be an object, got 7/);
    // null where the server's model has an optional value, and fields we do not type, are accepted.
    const ok = [{ material_id: "mp-1", band_gap: null, symmetry: { number: 225, symbol: null }, elements: ["Li", "O"], anything: { x: 1 } }];
    handler = reply(ok);
    assert.deepEqual(await mp.searchSummary({}), ok);
  });

  test("400 for an unknown field carries the server's detail", async () => {
    handler = pagingHandler;
    const mp = new MPClient({ apiKey: KEY, endpoint: base, ...quiet });
    await assert.rejects(
      mp.searchInsertionElectrodes({ capacity_grav: [100, undefined] }),
      (e: unknown) => e instanceof MPError && e.status === 400 && /cannot be used: capacity_grav_min/.test(e.message),
    );
  });

  test("a slow reply times out, is retried, and fails as a network error", async () => {
    let calls = 0;
    handler = (_q, _u, res) => {
      calls++;
      setTimeout(() => envelope(res, [], 0), 1500);
    };
    const mp = new MPClient({ apiKey: KEY, endpoint: base, timeoutMs: 200, maxRetries: 1, ...quiet });
    await assert.rejects(mp.searchSummary({}), (e: unknown) => e instanceof MPError && e.network && /timed out after 200 ms\) after 2 attempts/.test(e.message));
    assert.equal(calls, 2);
  });

  test("no key: a clear error saying how to set MP_API_KEY; a wrong-length key is rejected without echoing it", async () => {
    const saved = process.env.MP_API_KEY;
    delete process.env.MP_API_KEY;
    try {
      await assert.rejects(new MPClient({ endpoint: base, ...quiet }).searchSummary({}), /set MP_API_KEY/);
      const short = "0123456789abcdef";
      await assert.rejects(new MPClient({ apiKey: short, endpoint: base, ...quiet }).searchSummary({}), (e: unknown) => !(e as Error).message.includes(short) && /16 characters/.test((e as Error).message));
    } finally {
      if (saved !== undefined) process.env.MP_API_KEY = saved;
    }
  });

  test("the key never appears in errors, logs or cache files, even when the server echoes it", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "mp-cache-"));
    const logs: string[] = [];
    let calls = 0;
    handler = (req, _u, res) => {
      calls++;
      if (calls === 1) {
        res.statusCode = 503;
        return void res.end(`overloaded for key ${req.headers["x-api-key"]}`);
      }
      if (calls === 2) {
        res.statusCode = 403;
        return void res.end(JSON.stringify({ detail: `key ${req.headers["x-api-key"]} is not allowed` }));
      }
      envelope(res, [{ material_id: "mp-19017", formula_pretty: "LiFePO4" }], 1);
    };
    const mp = new MPClient({ apiKey: KEY, endpoint: base, cacheDir, backoffMs: 5, log: (m) => logs.push(m) });
    const err = await mp.searchSummary({ formula: "LiFePO4" }).catch((e: Error) => e);
    assert.ok(err instanceof MPError && err.status === 403);
    assert.ok(!err.message.includes(KEY) && !String(err.stack).includes(KEY) && err.message.includes("***"));
    const docs = await mp.searchSummary({ formula: "LiFePO4" });
    assert.equal(docs[0].formula_pretty, "LiFePO4");
    const files = fs.readdirSync(cacheDir);
    assert.equal(files.length, 1);
    for (const f of files) assert.ok(!fs.readFileSync(path.join(cacheDir, f), "utf8").includes(KEY));
    assert.ok(logs.every((l) => !l.includes(KEY)));
    // A second identical query is served from the cache without a request.
    const before = calls;
    await mp.searchSummary({ formula: "LiFePO4" });
    assert.equal(calls, before);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test("a 200 reply echoing the key is redacted before it is cached or returned", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "mp-cache-"));
    try {
      handler = (req, _u, res) => {
        const key = req.headers["x-api-key"] as string;
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ data: [{ material_id: "mp-19017", formula_pretty: "LiFePO4", [key]: `echo ${key}` }], meta: { total_doc: 1, echo: key } }));
      };
      const mp = new MPClient({ apiKey: KEY, endpoint: base, cacheDir, ...quiet });
      const docs = await mp.searchSummary({ formula: "LiFePO4" });
      assert.equal(docs[0].formula_pretty, "LiFePO4");
      const files = fs.readdirSync(cacheDir);
      assert.equal(files.length, 1, "the reply is still cached");
      for (const f of files) {
        const text = fs.readFileSync(path.join(cacheDir, f), "utf8");
        assert.ok(!text.includes(KEY), `cache file ${f} contains the API key`);
        assert.match(text, /"echo":"\*\*\*"/);
      }
      assert.ok(!JSON.stringify(docs).includes(KEY), "the returned documents must not carry the key");
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  test("a refused connection is reported as a network error", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const mp = new MPClient({ apiKey: KEY, endpoint: `http://127.0.0.1:${port}/`, maxRetries: 1, ...quiet });
    await assert.rejects(mp.searchSummary({}), (e: unknown) => e instanceof MPError && e.network);
  });
});

describe("MaterialsProject facade: live API with a key, the shipped snapshot without", () => {
  const snapDocs = [
    { battery_id: "mp-1_Li", working_ion: "Li", average_voltage: 3.9, capacity_grav: 140, elements: ["Co", "Li", "O"], chemsys: "Co-Li-O", formula_discharge: "LiCoO2" },
    { battery_id: "mp-2_Li", working_ion: "Li", average_voltage: 3.4, capacity_grav: 170, elements: ["Fe", "Li", "O", "P"], chemsys: "Fe-Li-O-P", formula_discharge: "LiFePO4" },
    { battery_id: "mp-3_Na", working_ion: "Na", average_voltage: 2.9, capacity_grav: 120, elements: ["Fe", "Na", "O", "P"], chemsys: "Fe-Na-O-P", formula_discharge: "NaFePO4" },
  ];
  const snapshots = { insertionElectrodes: { description: "test snapshot", load: () => snapDocs } };

  test("without a key it says so once and filters the snapshot like the API would", async () => {
    const notes: string[] = [];
    const mp = new MaterialsProject({ apiKey: "", snapshots, notice: (m) => notes.push(m) });
    const saved = process.env.MP_API_KEY;
    delete process.env.MP_API_KEY;
    try {
      const r1 = await new MaterialsProject({ snapshots, notice: (m) => notes.push(m) }).insertionElectrodes({ working_ion: "Li", average_voltage: [3.5, undefined], fields: ["battery_id", "average_voltage"] });
      assert.equal(r1.source, "snapshot");
      assert.deepEqual(r1.data, [{ battery_id: "mp-1_Li", average_voltage: 3.9 }]);
      const r2 = await mp.insertionElectrodes({ elements: ["Fe", "P"], sort: "-capacity_grav" });
      assert.deepEqual(r2.data.map((d) => d.battery_id), ["mp-2_Li", "mp-3_Na"]);
      const r3 = await mp.insertionElectrodes({ formula: "NaFePO4" });
      assert.deepEqual(r3.data.map((d) => d.battery_id), ["mp-3_Na"]);
      assert.equal(notes.filter((n) => /no MP_API_KEY/.test(n)).length, 2, "one notice per facade instance");
      await assert.rejects(mp.insertionElectrodes({ energy_vol: [100, 200] }), /no field "energy_vol"/);
    } finally {
      if (saved !== undefined) process.env.MP_API_KEY = saved;
    }
  });

  test("with a key it uses the API; when the network fails it falls back to the snapshot with a notice", async () => {
    handler = pagingHandler;
    const notes: string[] = [];
    const live = await new MaterialsProject({ apiKey: KEY, endpoint: base, snapshots, notice: (m) => notes.push(m), ...quiet }).insertionElectrodes({ working_ion: "Li", maxDocs: 5 });
    assert.equal(live.source, "api");
    assert.equal(live.data.length, 5);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await new MaterialsProject({ apiKey: KEY, endpoint: `http://127.0.0.1:${port}/`, maxRetries: 0, snapshots, notice: (m) => notes.push(m), ...quiet }).insertionElectrodes({ working_ion: "Na" });
    assert.equal(down.source, "snapshot");
    assert.deepEqual(down.data.map((d) => d.battery_id), ["mp-3_Na"]);
    assert.ok(notes.some((n) => /cannot be reached/.test(n)) && notes.every((n) => !n.includes(KEY)));
  });

  test("after a connection failure it stays offline: later queries answer from the snapshot at once, until resetOffline()", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const notes: string[] = [];
    const logs: string[] = [];
    // Retries that take ~1.5 s per query, so a query that waits through them again cannot pass as "at once".
    const mp = new MaterialsProject({ apiKey: KEY, endpoint: `http://127.0.0.1:${port}/`, maxRetries: 2, backoffMs: 500, snapshots, notice: (m) => notes.push(m), log: (m) => logs.push(m) });
    const ms: number[] = [];
    for (const ion of ["Na", "Li", "Na"]) {
      const t0 = Date.now();
      const r = await mp.insertionElectrodes({ working_ion: ion });
      ms.push(Date.now() - t0);
      assert.equal(r.source, "snapshot");
      assert.ok(r.data.length > 0 && r.data.every((d) => d.working_ion === ion));
    }
    assert.ok(ms[1] < 500 && ms[2] < 500, `the 2nd and 3rd queries must not wait for the network: ${ms.join(", ")} ms`);
    assert.equal(logs.length, 2, `only the first query retries (2 retries); got\n${logs.join("\n")}`);
    assert.equal(notes.length, 1, "the fallback notice is shown once");
    assert.match(notes[0], /cannot be reached \(.*ECONNREFUSED/);
    assert.equal(mp.online, false);
    assert.match(mp.client.offlineReason ?? "", /ECONNREFUSED/);
    mp.resetOffline();
    assert.equal(mp.online, true);
    await mp.insertionElectrodes({ working_ion: "Na" });
    assert.equal(logs.length, 4, "after resetOffline() the network is tried again, with its retries");
    assert.equal(notes.length, 2, "and a renewed failure is announced again");
  });

  test("API errors that are not network failures (403, 400) are not hidden behind the snapshot", async () => {
    handler = pagingHandler;
    const mp = new MaterialsProject({ apiKey: "X".repeat(32), endpoint: base, snapshots, notice: () => undefined, ...quiet });
    await assert.rejects(mp.insertionElectrodes({ working_ion: "Li" }), (e: unknown) => e instanceof MPError && e.status === 403);
  });
});

describe("shipped snapshots (the datasets in datasets/)", () => {
  test("the summary snapshot serves the 375 Li–Fe–O entries with API field names", async () => {
    const saved = process.env.MP_API_KEY;
    delete process.env.MP_API_KEY;
    try {
      const mp = new MaterialsProject({ notice: () => undefined });
      const all = await mp.summary({});
      assert.equal(all.source, "snapshot");
      assert.equal(all.data.length, 375);
      const stable = await mp.summary({ chemsys: "Fe-Li-O", is_stable: true, fields: ["material_id", "formula_pretty", "energy_above_hull"] });
      assert.ok(stable.data.length > 0);
      for (const d of stable.data) {
        assert.deepEqual(Object.keys(d).sort(), ["energy_above_hull", "formula_pretty", "material_id"]);
        assert.ok(Math.abs(d.energy_above_hull as number) < 1e-8);
      }
      const li = await mp.insertionElectrodes({ working_ion: "Li", fields: ["battery_id", "average_voltage"] });
      assert.ok(li.data.length > 2000);
      for (const d of li.data) assert.ok(Number.isFinite(d.average_voltage));
    } finally {
      if (saved !== undefined) process.env.MP_API_KEY = saved;
    }
  });
});
