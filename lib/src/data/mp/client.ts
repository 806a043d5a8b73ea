/**
 * A typed client for the Materials Project REST API (`materials/summary`, `materials/insertion_electrodes`).
 *
 * Facts about the API (envelope, parameters, limits) are in ../shared/datasets-src/mp-api/API_NOTES.md.
 * The API key is read from the `apiKey` option or `MP_API_KEY`, sent only in the `X-API-KEY` header, and never
 * written to errors, logs or cache files: every message passes through {@link redact}, and every reply (fresh or
 * cached) through redactJson() before it is returned or cached, in case the server echoes the key.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Default API endpoint (overridable with the `endpoint` option or `MP_API_ENDPOINT`). */
export const MP_DEFAULT_ENDPOINT = "https://api.materialsproject.org/";
/** The server's maximum `_limit`. */
export const MP_MAX_LIMIT = 1000;

/** Raised for every failure of a Materials Project request; never contains the API key. */
export class MPError extends Error {
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** The request path and query (without the key), for context. */
  readonly request?: string;
  /** True when the failure was a network problem or timeout (the caller may fall back to a snapshot). */
  readonly network: boolean;
  constructor(message: string, opts: { status?: number; request?: string; network?: boolean } = {}) {
    super(message);
    this.name = "MPError";
    this.status = opts.status;
    this.request = opts.request;
    this.network = opts.network ?? false;
  }
}

/** A `[min, max]` range; either end may be undefined for an open interval. */
export type Range = readonly [number | undefined, number | undefined];

/** Minimal fetch signature we rely on (node-fetch and the global fetch both satisfy it). */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; signal: AbortSignal }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/** Options of {@link MPClient}. */
export interface MPClientOptions {
  /** API key; default `process.env.MP_API_KEY`. Never printed or stored. */
  apiKey?: string;
  /** Base URL; default `process.env.MP_API_ENDPOINT` or {@link MP_DEFAULT_ENDPOINT}. */
  endpoint?: string;
  /** Per-request timeout [ms]. Default 30000. */
  timeoutMs?: number;
  /** Retries on 429/502/503/504 and network errors. Default 3. */
  maxRetries?: number;
  /** First backoff delay [ms], doubled per retry (a server's Retry-After takes precedence). Default 1000. */
  backoffMs?: number;
  /** Longest wait honoured from a Retry-After header [ms]. Default 60000. */
  maxRetryAfterMs?: number;
  /** Documents per page (`_limit`), at most 1000. Default 1000. */
  pageSize?: number;
  /** Ids per request when a query lists many ids (`material_ids`, `battery_ids`). Default 100. */
  idChunkSize?: number;
  /** Folder for an on-disk response cache (keyed by request, without the key); off when undefined. */
  cacheDir?: string;
  /** Cache entries older than this are refetched [ms]. Default 7 days. */
  cacheMaxAgeMs?: number;
  /** fetch implementation; default node-fetch. Injected in tests. */
  fetch?: FetchLike;
  /** Where progress/warnings go. Default console.warn. Receives already-redacted text. */
  log?: (message: string) => void;
}

/** One page of the response envelope. */
interface Envelope<T> {
  data: T[];
  meta: { total_doc: number; [k: string]: unknown };
}

/**
 * Fields of a `materials/summary` document we type (the API returns only those requested). Replies are checked
 * against these types; `null` is accepted wherever the server's document model has an optional value.
 */
export interface SummaryDoc {
  material_id: string;
  formula_pretty?: string | null;
  chemsys?: string | null;
  elements?: string[] | null;
  nelements?: number | null;
  nsites?: number | null;
  volume?: number | null;
  density?: number | null;
  energy_per_atom?: number | null;
  formation_energy_per_atom?: number | null;
  energy_above_hull?: number | null;
  is_stable?: boolean | null;
  band_gap?: number | null;
  symmetry?: { symbol?: string | null; number?: number | null; crystal_system?: string | null } | null;
  theoretical?: boolean | null;
  [field: string]: unknown;
}

/** Fields of a `materials/insertion_electrodes` document we type (checked in replies like {@link SummaryDoc}'s). */
export interface InsertionElectrodeDoc {
  battery_id: string;
  battery_formula?: string | null;
  working_ion?: string | null;
  formula_charge?: string | null;
  formula_discharge?: string | null;
  id_charge?: string | null;
  id_discharge?: string | null;
  elements?: string[] | null;
  nelements?: number | null;
  chemsys?: string | null;
  average_voltage?: number | null;
  capacity_grav?: number | null;
  capacity_vol?: number | null;
  energy_grav?: number | null;
  energy_vol?: number | null;
  max_delta_volume?: number | null;
  fracA_charge?: number | null;
  fracA_discharge?: number | null;
  stability_charge?: number | null;
  stability_discharge?: number | null;
  num_steps?: number | null;
  max_voltage_step?: number | null;
  [field: string]: unknown;
}

/** Query of `materials/summary`. Ranges become `<field>_min` / `<field>_max`. */
export interface SummaryQuery {
  material_ids?: readonly string[];
  formula?: string | readonly string[];
  chemsys?: string | readonly string[];
  elements?: readonly string[];
  exclude_elements?: readonly string[];
  is_stable?: boolean;
  theoretical?: boolean;
  spacegroup_number?: number;
  crystal_system?: string;
  nelements?: Range;
  nsites?: Range;
  energy_above_hull?: Range;
  formation_energy_per_atom?: Range;
  band_gap?: Range;
  density?: Range;
  volume?: Range;
  /** Fields to return (`_fields`). Default: material_id, formula_pretty, energy_above_hull. */
  fields?: readonly (keyof SummaryDoc & string)[];
  /** Stop after this many documents. Default: all. */
  maxDocs?: number;
  /** Sort field, `-` prefix for descending (one field). */
  sort?: string;
}

/** Query of `materials/insertion_electrodes`. */
export interface InsertionElectrodeQuery {
  battery_ids?: readonly string[];
  working_ion?: string | readonly string[];
  formula?: string;
  chemsys?: string;
  elements?: readonly string[];
  exclude_elements?: readonly string[];
  average_voltage?: Range;
  capacity_grav?: Range;
  capacity_vol?: Range;
  energy_grav?: Range;
  energy_vol?: Range;
  max_delta_volume?: Range;
  stability_charge?: Range;
  stability_discharge?: Range;
  nelements?: Range;
  num_steps?: Range;
  fields?: readonly (keyof InsertionElectrodeDoc & string)[];
  maxDocs?: number;
  sort?: string;
}

/** Replaces every occurrence of the key (and of its first/last characters in a URL-encoded form) with "***". */
export function redact(text: string, key: string | undefined): string {
  if (!key) return text;
  let out = text.split(key).join("***");
  const enc = encodeURIComponent(key);
  if (enc !== key) out = out.split(enc).join("***");
  return out;
}

/**
 * A copy of a parsed JSON value with the key redacted (as {@link redact} does) in every string and property name.
 * A server, proxy or test double may echo the key in a 200 reply; what the client returns or caches must not carry it.
 */
function redactJson(value: unknown, key: string | undefined): unknown {
  if (!key) return value;
  if (typeof value === "string") return redact(value, key);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, key));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k, key), redactJson(v, key)]));
  }
  return value;
}

/** Type of a typed document field; an object lists the typed fields of a sub-document. */
type FieldType = "string" | "number" | "boolean" | "string[]" | { readonly [field: string]: FieldType };

const EXPECTED: Record<Exclude<FieldType, object>, string> = {
  string: "a string or null",
  number: "a finite number or null",
  boolean: "true, false or null",
  "string[]": "an array of strings or null",
};

/** The id field and typed fields of each endpoint's documents (mirroring SummaryDoc, InsertionElectrodeDoc). */
const DOC_TYPES: Record<string, { id: string; fields: Record<string, FieldType> }> = {
  "materials/summary": {
    id: "material_id",
    fields: {
      formula_pretty: "string", chemsys: "string", elements: "string[]", nelements: "number", nsites: "number",
      volume: "number", density: "number", energy_per_atom: "number", formation_energy_per_atom: "number",
      energy_above_hull: "number", is_stable: "boolean", band_gap: "number", theoretical: "boolean",
      symmetry: { symbol: "string", number: "number", crystal_system: "string" },
    },
  },
  "materials/insertion_electrodes": {
    id: "battery_id",
    fields: {
      battery_formula: "string", working_ion: "string", formula_charge: "string", formula_discharge: "string",
      id_charge: "string", id_discharge: "string", elements: "string[]", nelements: "number", chemsys: "string",
      average_voltage: "number", capacity_grav: "number", capacity_vol: "number", energy_grav: "number",
      energy_vol: "number", max_delta_volume: "number", fracA_charge: "number", fracA_discharge: "number",
      stability_charge: "number", stability_discharge: "number", num_steps: "number", max_voltage_step: "number",
    },
  },
};

/** The first field of `value` that does not have its type: its dotted name, what was expected, what came. */
function badField(value: unknown, type: FieldType, name: string): { name: string; expected: string; value: unknown } | undefined {
  if (value === null) return undefined;
  if (typeof type === "object") {
    if (typeof value !== "object" || Array.isArray(value)) return { name, expected: "an object or null", value };
    for (const [k, t] of Object.entries(type)) {
      const v = (value as Record<string, unknown>)[k];
      const bad = v === undefined ? undefined : badField(v, t, name ? `${name}.${k}` : k);
      if (bad) return bad;
    }
    return undefined;
  }
  const ok =
    type === "number" ? typeof value === "number" && Number.isFinite(value)
    : type === "string[]" ? Array.isArray(value) && value.every((x) => typeof x === "string")
    : typeof value === type;
  return ok ? undefined : { name, expected: EXPECTED[type], value };
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(header);
  if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  return undefined;
}

let nodeFetch: FetchLike | undefined;
async function defaultFetch(): Promise<FetchLike> {
  if (!nodeFetch) {
    // node-fetch 3 is ESM-only; a real dynamic import keeps this CommonJS build loading it lazily.
    const mod = (await import("node-fetch")) as unknown as { default: FetchLike };
    nodeFetch = mod.default;
  }
  return nodeFetch;
}

/** Turns a query object into API parameters (ranges → _min/_max, lists → comma lists, fields → _fields). */
export function queryToParams(query: Record<string, unknown>, defaultFields: readonly string[]): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || k === "fields" || k === "maxDocs" || k === "sort") continue;
    if (Array.isArray(v) && v.length === 2 && (typeof v[0] === "number" || typeof v[1] === "number" || v[0] === undefined)) {
      const [lo, hi] = v as [number | undefined, number | undefined];
      for (const [suffix, val] of [["_min", lo], ["_max", hi]] as const) {
        if (val === undefined) continue;
        if (!Number.isFinite(val)) throw new MPError(`query.${k}: range ends must be finite numbers, got ${val}`);
        p.set(`${k}${suffix}`, String(val));
      }
    } else if (Array.isArray(v)) {
      p.set(k, v.map(String).join(","));
    } else if (typeof v === "boolean" || typeof v === "number" || typeof v === "string") {
      p.set(k, String(v));
    } else {
      throw new MPError(`query.${k}: unsupported value ${JSON.stringify(v)}`);
    }
  }
  const fields = (query.fields as readonly string[] | undefined) ?? defaultFields;
  p.set("_fields", fields.join(","));
  if (typeof query.sort === "string") p.set("_sort_fields", query.sort);
  return p;
}

/**
 * Materials Project client.
 * @example
 * ```ts
 * const mp = new MPClient(); // key from MP_API_KEY
 * const docs = await mp.searchInsertionElectrodes({ working_ion: "Li", average_voltage: [3, 4.5],
 *   fields: ["battery_id", "average_voltage", "capacity_grav"] });
 * ```
 */
export class MPClient {
  private readonly key: string | undefined;
  readonly endpoint: string;
  private readonly opts: Required<Omit<MPClientOptions, "apiKey" | "endpoint" | "cacheDir" | "fetch" | "log">>;
  private readonly cacheDir?: string;
  private readonly fetchImpl?: FetchLike;
  private readonly logFn: (m: string) => void;
  private unreachable?: string;

  constructor(options: MPClientOptions = {}) {
    const key = options.apiKey ?? process.env.MP_API_KEY;
    this.key = key && key.trim() !== "" ? key.trim() : undefined;
    let endpoint = options.endpoint ?? process.env.MP_API_ENDPOINT ?? MP_DEFAULT_ENDPOINT;
    if (!endpoint.endsWith("/")) endpoint += "/";
    this.endpoint = endpoint;
    this.opts = {
      timeoutMs: options.timeoutMs ?? 30000,
      maxRetries: options.maxRetries ?? 3,
      backoffMs: options.backoffMs ?? 1000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60000,
      pageSize: Math.min(options.pageSize ?? MP_MAX_LIMIT, MP_MAX_LIMIT),
      idChunkSize: options.idChunkSize ?? 100,
      cacheMaxAgeMs: options.cacheMaxAgeMs ?? 7 * 24 * 3600 * 1000,
    };
    if (!(this.opts.pageSize >= 1)) throw new MPError(`pageSize must be between 1 and ${MP_MAX_LIMIT}`);
    this.cacheDir = options.cacheDir;
    this.fetchImpl = options.fetch;
    const log = options.log ?? ((m: string) => console.warn(m));
    this.logFn = (m) => log(redact(m, this.key));
  }

  /** True when an API key is configured (the key itself is not exposed). */
  get hasKey(): boolean {
    return this.key !== undefined;
  }

  /**
   * Why the API is considered unreachable, or undefined while it is not. When a request fails at the connection
   * level (refused, DNS, unreachable network, timeout) after all its retries, this client remembers it for the rest
   * of its life: later requests not in the cache fail at once with a network {@link MPError} instead of waiting
   * through the retries again (four timeouts of 30 s would break a notebook's time budget). The memory belongs to
   * the instance, not the process; {@link MPClient.resetOffline} or a new client tries the network again.
   */
  get offlineReason(): string | undefined {
    return this.unreachable;
  }

  /** Forgets that the API was unreachable: the next request goes to the network again (with its retries). */
  resetOffline(): void {
    this.unreachable = undefined;
  }

  /** Search `materials/summary`, paging to exhaustion (or `maxDocs`). */
  searchSummary(query: SummaryQuery = {}): Promise<SummaryDoc[]> {
    return this.search<SummaryDoc>("materials/summary", query as Record<string, unknown>, "material_ids", ["material_id", "formula_pretty", "energy_above_hull"]);
  }

  /** Search `materials/insertion_electrodes`, paging to exhaustion (or `maxDocs`). */
  searchInsertionElectrodes(query: InsertionElectrodeQuery = {}): Promise<InsertionElectrodeDoc[]> {
    return this.search<InsertionElectrodeDoc>("materials/insertion_electrodes", query as Record<string, unknown>, "battery_ids", [
      "battery_id", "battery_formula", "working_ion", "average_voltage", "capacity_grav", "energy_grav",
    ]);
  }

  /**
   * Generic search of any endpoint path with raw parameters; pages to exhaustion. The documents of
   * `materials/summary` and `materials/insertion_electrodes` are checked against {@link SummaryDoc} and
   * {@link InsertionElectrodeDoc} (an {@link MPError} names the document, field, expected type and value).
   */
  async search<T>(suffix: string, query: Record<string, unknown>, idParam: string, defaultFields: readonly string[]): Promise<T[]> {
    if (!this.key) {
      throw new MPError("No Materials Project API key: set MP_API_KEY (a 32-character key from materialsproject.org, Dashboard → API key) or pass { apiKey }", { network: false });
    }
    if (this.key.length !== 32) {
      throw new MPError(`The Materials Project API key has ${this.key.length} characters; current keys have 32 (legacy 16-character keys belong to the retired API)`);
    }
    const ids = query[idParam] as readonly string[] | undefined;
    const maxDocs = (query.maxDocs as number | undefined) ?? Infinity;
    if (ids && ids.length > this.opts.idChunkSize) {
      const out: T[] = [];
      for (let i = 0; i < ids.length && out.length < maxDocs; i += this.opts.idChunkSize) {
        const chunk = ids.slice(i, i + this.opts.idChunkSize);
        out.push(...(await this.pageAll<T>(suffix, { ...query, [idParam]: chunk, maxDocs: maxDocs - out.length }, defaultFields)));
      }
      return out;
    }
    return this.pageAll<T>(suffix, query, defaultFields);
  }

  private async pageAll<T>(suffix: string, query: Record<string, unknown>, defaultFields: readonly string[]): Promise<T[]> {
    const base = queryToParams(query, defaultFields);
    const maxDocs = (query.maxDocs as number | undefined) ?? Infinity;
    const out: T[] = [];
    let skip = 0;
    for (;;) {
      const limit = Math.min(this.opts.pageSize, maxDocs - out.length);
      const params = new URLSearchParams(base);
      params.set("_limit", String(limit));
      params.set("_skip", String(skip));
      const page = await this.getJson<T>(`${suffix}/?${params.toString()}`);
      out.push(...page.data);
      skip += page.data.length;
      if (page.data.length === 0 || skip >= page.meta.total_doc || out.length >= maxDocs) break;
    }
    return out;
  }

  private cachePath(request: string): string | undefined {
    if (!this.cacheDir) return undefined;
    const hash = crypto.createHash("sha256").update(this.endpoint + request).digest("hex").slice(0, 32);
    return path.join(this.cacheDir, `${hash}.json`);
  }

  /** GET one page with retries, timeout and validation. `request` is path + query, never containing the key. */
  private async getJson<T>(request: string): Promise<Envelope<T>> {
    const cacheFile = this.cachePath(request);
    if (cacheFile && fs.existsSync(cacheFile)) {
      const st = fs.statSync(cacheFile);
      if (Date.now() - st.mtimeMs < this.opts.cacheMaxAgeMs) {
        try {
          // Redacted again on reading: a cache file written by an older version may hold an echoed key.
          return this.validate<T>(redactJson(JSON.parse(fs.readFileSync(cacheFile, "utf8")).response, this.key), request, 200);
        } catch {
          // A damaged cache file is ignored and refetched.
        }
      }
    }
    if (this.unreachable !== undefined) {
      throw new MPError(
        redact(`Materials Project request not sent: the API was unreachable earlier (${this.unreachable}); call resetOffline() to try again — GET ${request}`, this.key),
        { request, network: true },
      );
    }
    const fetchImpl = this.fetchImpl ?? (await defaultFetch());
    const url = this.endpoint + request;
    let attempt = 0;
    for (;;) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs);
      let status = 0;
      let text = "";
      let retryAfter: number | undefined;
      try {
        const res = await fetchImpl(url, {
          method: "GET",
          headers: { "X-API-KEY": this.key as string, Accept: "application/json", "User-Agent": "battery-mi" },
          signal: controller.signal,
        });
        status = res.status;
        retryAfter = retryAfterMs(res.headers.get("retry-after"));
        text = await res.text();
      } catch (err) {
        clearTimeout(timer);
        const aborted = controller.signal.aborted;
        const why = aborted ? `timed out after ${this.opts.timeoutMs} ms` : (err as Error).message;
        if (attempt < this.opts.maxRetries) {
          attempt++;
          const wait = this.opts.backoffMs * 2 ** (attempt - 1);
          this.logFn(`Materials Project: ${why}; retry ${attempt}/${this.opts.maxRetries} in ${wait} ms`);
          await sleep(wait);
          continue;
        }
        this.unreachable = redact(why, this.key);
        throw new MPError(redact(`Materials Project request failed (${why}) after ${attempt + 1} attempts: GET ${request}`, this.key), { request, network: true });
      }
      clearTimeout(timer);
      if (RETRY_STATUS.has(status) && attempt < this.opts.maxRetries) {
        attempt++;
        const wait = Math.min(retryAfter ?? this.opts.backoffMs * 2 ** (attempt - 1), this.opts.maxRetryAfterMs);
        this.logFn(`Materials Project: HTTP ${status}; retry ${attempt}/${this.opts.maxRetries} in ${wait} ms`);
        await sleep(wait);
        continue;
      }
      if (status !== 200) {
        let detail = text.slice(0, 500);
        try {
          const body = JSON.parse(text) as { detail?: unknown; errors?: unknown };
          if (body.detail !== undefined) detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
        } catch {
          // not JSON: keep the text excerpt
        }
        const hint = status === 401 || status === 403 ? " (is MP_API_KEY valid?)" : status === 400 ? " (a field or filter name the API does not know?)" : "";
        throw new MPError(redact(`Materials Project answered HTTP ${status}${hint}: ${detail} — GET ${request}`, this.key), { status, request });
      }
      let json: unknown;
      try {
        json = redactJson(JSON.parse(text), this.key);
      } catch (err) {
        throw new MPError(redact(`Materials Project returned malformed JSON (${(err as Error).message}) for GET ${request}`, this.key), { status, request });
      }
      const env = this.validate<T>(json, request, status);
      if (cacheFile) {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        // json is already redacted; the whole text is redacted once more so no other field (endpoint) can carry the key.
        const entry = JSON.stringify({ request, endpoint: this.endpoint, fetched: new Date().toISOString(), response: json });
        fs.writeFileSync(cacheFile, redact(entry, this.key));
      }
      return env;
    }
  }

  private validate<T>(json: unknown, request: string, status: number): Envelope<T> {
    const j = json as { data?: unknown; meta?: { total_doc?: unknown }; errors?: unknown };
    if (typeof json !== "object" || json === null || !Array.isArray(j.data) || typeof j.meta !== "object" || j.meta === null || typeof j.meta.total_doc !== "number") {
      const keys = typeof json === "object" && json !== null ? Object.keys(json).join(", ") : typeof json;
      throw new MPError(redact(`Unexpected Materials Project response for GET ${request}: expected {data: [...], meta: {total_doc}}, got keys [${keys}]`, this.key), { status, request });
    }
    this.checkDocs(j.data, request, status);
    return j as Envelope<T>;
  }

  /**
   * Checks the documents of the endpoints we type field by field, so a wrong type fails here, named, rather than
   * later as NaN in a plot. Fields we do not type, and other endpoints' documents, pass unchecked.
   */
  private checkDocs(docs: unknown[], request: string, status: number): void {
    const endpoint = request.slice(0, request.indexOf("/?"));
    const types = DOC_TYPES[endpoint];
    if (!types) return;
    const skip = Number(new URLSearchParams(request.slice(request.indexOf("?") + 1)).get("_skip") ?? 0);
    const show = (v: unknown): string => {
      const text = typeof v === "number" ? String(v) : (JSON.stringify(v) ?? String(v)); // Infinity, not JSON's null
      return text.length > 80 ? `${text.slice(0, 80)}…` : text;
    };
    const fail = (i: number, what: string): never => {
      throw new MPError(redact(`Unexpected Materials Project document from ${endpoint}: document ${skip + i} ${what} (GET ${request})`, this.key), { status, request });
    };
    docs.forEach((doc, i) => {
      if (typeof doc !== "object" || doc === null || Array.isArray(doc)) fail(i, `should be an object, got ${show(doc)}`);
      const id = (doc as Record<string, unknown>)[types.id];
      const bad = id !== undefined && typeof id !== "string" ? { name: types.id, expected: "a string", value: id } : badField(doc, types.fields, "");
      if (bad) fail(i, `field "${bad.name}" should be ${bad.expected}, got ${show(bad.value)}`);
    });
  }
}
