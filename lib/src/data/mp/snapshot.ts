/**
 * Offline answers to Materials Project queries from the snapshots shipped in datasets/, and the facade that
 * uses the live API when it can and the snapshot when there is no key or no network — saying so once.
 */
import { parseFormula } from "../../descriptors/composition";
import { loadTable } from "../index";
import { MPClient, MPError, type InsertionElectrodeDoc, type InsertionElectrodeQuery, type MPClientOptions, type Range, type SummaryDoc, type SummaryQuery } from "./client";

/** A shipped snapshot of one endpoint: documents in the API's field names. */
export interface Snapshot<T> {
  /** What it is and where it came from (shown in the fallback message). */
  description: string;
  /** Loads the documents (called once, lazily). */
  load(): T[];
}

/** Where an answer came from. */
export interface MPResult<T> {
  data: T[];
  source: "api" | "snapshot";
  /** For snapshot answers: which snapshot and why it was used. */
  note?: string;
}

function elementsOf(formula: string): string[] {
  try {
    return parseFormula(formula).elements;
  } catch {
    return [];
  }
}

/**
 * The MP insertion-electrode export shipped as dataset `mp-insertion-electrodes` (current API, 4351 electrodes),
 * mapped onto `materials/insertion_electrodes` field names. `elements`/`chemsys` are computed from the discharged
 * formula (framework + working ion).
 */
export function insertionElectrodeSnapshot(dataset = "mp-insertion-electrodes"): Snapshot<InsertionElectrodeDoc> {
  return {
    description: `dataset "${dataset}" (Materials Project insertion electrodes exported in 2024, shipped with the course)`,
    load() {
      const t = loadTable(dataset, { sourceNames: true });
      const s = (c: string): string[] => t.columns[c] as string[];
      const f = (c: string): Float64Array => t.columns[c] as Float64Array;
      const docs: InsertionElectrodeDoc[] = [];
      for (let i = 0; i < t.nRows; i++) {
        const els = [...new Set([...elementsOf(s("Formula Discharge")[i]), ...elementsOf(s("Formula Charge")[i])])].sort();
        docs.push({
          battery_id: s("Battery ID")[i],
          battery_formula: s("Battery Formula")[i],
          working_ion: s("Working Ion")[i],
          formula_charge: s("Formula Charge")[i],
          formula_discharge: s("Formula Discharge")[i],
          max_delta_volume: f("Max Delta Volume")[i],
          average_voltage: f("Average Voltage")[i],
          capacity_grav: f("Gravimetric Capacity")[i],
          capacity_vol: f("Volumetric Capacity")[i],
          energy_grav: f("Gravimetric Energy")[i],
          energy_vol: f("Volumetric Energy")[i],
          fracA_charge: f("Atomic Fraction Charge")[i],
          fracA_discharge: f("Atomic Fraction Discharge")[i],
          stability_charge: f("Stability Charge")[i],
          stability_discharge: f("Stability Discharge")[i],
          num_steps: f("Steps")[i],
          max_voltage_step: f("Max Voltage Step")[i],
          elements: els,
          nelements: els.length,
          chemsys: els.join("-"),
        });
      }
      return docs;
    },
  };
}

/**
 * The 375 Li–Fe–O Materials Project entries shipped as dataset `crystal-structures` (its main table), mapped onto
 * `materials/summary` field names (energies corrected; e_above_hull from a hull of this subset).
 */
export function summarySnapshot(dataset = "crystal-structures"): Snapshot<SummaryDoc> {
  return {
    description: `dataset "${dataset}" (375 Materials Project Li–Fe–O entries, 2020–2021, shipped with the course; hull of this subset only)`,
    load() {
      const t = loadTable(dataset, { sourceNames: true });
      const s = (c: string): string[] => t.columns[c] as string[];
      const f = (c: string): Float64Array => t.columns[c] as Float64Array;
      const docs: SummaryDoc[] = [];
      for (let i = 0; i < t.nRows; i++) {
        const chemsys = s("chemsys")[i];
        const els = chemsys.split("-").sort();
        const ehull = f("e_above_hull_eV_per_atom")[i];
        docs.push({
          material_id: s("material_id")[i],
          formula_pretty: s("formula")[i],
          chemsys: els.join("-"),
          elements: els,
          nelements: els.length,
          nsites: f("nsites")[i],
          volume: f("volume_per_atom_A3")[i] * f("nsites")[i],
          density: f("density_g_cm3")[i],
          energy_per_atom: f("energy_per_atom_corrected_eV")[i],
          formation_energy_per_atom: f("formation_energy_per_atom_eV")[i],
          energy_above_hull: ehull,
          is_stable: ehull <= 1e-8,
          symmetry: { symbol: s("spacegroup_symbol")[i], number: f("spacegroup_number")[i] },
        });
      }
      return docs;
    },
  };
}

const CONTROL = new Set(["fields", "maxDocs", "sort"]);

/**
 * Evaluates an API query against snapshot documents: ranges, exact and any-of filters, element filters,
 * `fields`, `sort`, `maxDocs`. A filter the snapshot cannot answer is an error naming it.
 */
export function querySnapshot<T extends Record<string, unknown>>(docs: readonly T[], query: Record<string, unknown>, idField: string, idListParam: string): T[] {
  const sample = docs[0] ?? ({} as T);
  const tests: ((d: T) => boolean)[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || CONTROL.has(key)) continue;
    if (key === idListParam) {
      const ids = new Set(value as readonly string[]);
      tests.push((d) => ids.has(d[idField] as string));
    } else if (key === "elements") {
      const want = value as readonly string[];
      tests.push((d) => want.every((e) => (d.elements as string[] | undefined)?.includes(e) ?? false));
    } else if (key === "exclude_elements") {
      const bad = value as readonly string[];
      tests.push((d) => !bad.some((e) => (d.elements as string[] | undefined)?.includes(e) ?? false));
    } else if (key === "chemsys") {
      const list = (Array.isArray(value) ? value : [value]).map((c: string) => c.split("-").sort().join("-"));
      tests.push((d) => list.includes(d.chemsys as string));
    } else if (key === "formula") {
      const list = Array.isArray(value) ? (value as string[]) : [value as string];
      const norm = list.map((x) => parseFormula(x).reducedFormula);
      const fields = ["formula_pretty", "formula_charge", "formula_discharge"].filter((k) => k in sample);
      tests.push((d) => fields.some((k) => typeof d[k] === "string" && norm.includes(safeReduced(d[k] as string))));
    } else if (Array.isArray(value) && value.length === 2 && (typeof value[0] === "number" || typeof value[1] === "number" || value[0] === undefined)) {
      if (!(key in sample)) throw new MPError(`The offline snapshot has no field "${key}", so the range filter ${key}_min/_max cannot be answered offline; set MP_API_KEY for the live API`);
      const [lo, hi] = value as unknown as Range;
      tests.push((d) => {
        const v = d[key] as number;
        return typeof v === "number" && (lo === undefined || v >= lo) && (hi === undefined || v <= hi);
      });
    } else {
      if (!(key in sample)) throw new MPError(`The offline snapshot cannot answer the filter "${key}"; set MP_API_KEY for the live API (snapshot fields: ${Object.keys(sample).join(", ")})`);
      const list = Array.isArray(value) ? value : [value];
      tests.push((d) => list.includes(d[key] as never) || list.map(String).includes(String(d[key])));
    }
  }
  let out = docs.filter((d) => tests.every((t) => t(d)));
  if (typeof query.sort === "string") {
    const desc = query.sort.startsWith("-");
    const field = desc ? query.sort.slice(1) : query.sort;
    out = [...out].sort((a, b) => ((a[field] as number) - (b[field] as number)) * (desc ? -1 : 1));
  }
  if (typeof query.maxDocs === "number") out = out.slice(0, query.maxDocs);
  const fields = query.fields as readonly string[] | undefined;
  if (fields) {
    for (const k of fields) if (!(k in sample)) throw new MPError(`The offline snapshot has no field "${k}" (it has: ${Object.keys(sample).join(", ")})`);
    out = out.map((d) => Object.fromEntries(fields.map((k) => [k, d[k]])) as T);
  }
  return out;
}

function safeReduced(formula: string): string {
  try {
    return parseFormula(formula).reducedFormula;
  } catch {
    return formula;
  }
}

/** Options of {@link MaterialsProject}. */
export interface MaterialsProjectOptions extends MPClientOptions {
  /** Never call the API; answer from the snapshots. Default false (the API is used when a key is set). */
  offline?: boolean;
  /** Snapshots to use offline (defaults: the shipped datasets). */
  snapshots?: { insertionElectrodes?: Snapshot<InsertionElectrodeDoc>; summary?: Snapshot<SummaryDoc> };
  /** Where the one-time fallback notice goes. Default console.log. */
  notice?: (message: string) => void;
}

/**
 * The Materials Project for notebooks: the live API with `MP_API_KEY`, else (no key, no network, or
 * `offline: true`) the shipped snapshot for the queries the course makes, with one clear message.
 *
 * @example
 * ```ts
 * const mp = new MaterialsProject();
 * const { data, source } = await mp.insertionElectrodes({ working_ion: "Li", average_voltage: [3, 4.5] });
 * ```
 */
export class MaterialsProject {
  readonly client: MPClient;
  private readonly opts: MaterialsProjectOptions;
  private noticed = false;
  private cache = new Map<string, unknown[]>();

  constructor(options: MaterialsProjectOptions = {}) {
    this.opts = options;
    this.client = new MPClient(options);
  }

  /**
   * True when queries go to the live API: a key is set, `offline` is false, and the API has not been found
   * unreachable. After a connection-level failure (refused, DNS, timeout …) the client remembers it for the life
   * of this instance, so later queries are answered from the snapshot at once instead of waiting through the
   * retries again; {@link MaterialsProject.resetOffline} tries the API again.
   */
  get online(): boolean {
    return !this.opts.offline && this.client.hasKey && this.client.offlineReason === undefined;
  }

  /**
   * Tries the live API again on the next query (e.g. once the network is back). If it is still unreachable, the
   * fallback notice is shown again.
   */
  resetOffline(): void {
    this.client.resetOffline();
    this.noticed = false;
  }

  private say(why: string, snapshot: Snapshot<unknown>): string {
    const note = `Materials Project: ${why} — answering from the shipped snapshot, ${snapshot.description}.`;
    if (!this.noticed) {
      this.noticed = true;
      (this.opts.notice ?? ((m: string) => console.log(m)))(note);
    }
    return note;
  }

  private docs<T>(key: string, snap: Snapshot<T>): T[] {
    if (!this.cache.has(key)) this.cache.set(key, snap.load());
    return this.cache.get(key) as T[];
  }

  private async run<T extends Record<string, unknown>>(
    key: string,
    snap: Snapshot<T>,
    live: () => Promise<T[]>,
    query: Record<string, unknown>,
    idField: string,
    idListParam: string,
  ): Promise<MPResult<T>> {
    let why: string;
    if (this.opts.offline) why = "offline mode";
    else if (!this.client.hasKey) why = "no MP_API_KEY is set";
    else {
      try {
        return { data: await live(), source: "api" };
      } catch (err) {
        if (!(err instanceof MPError) || !err.network) throw err;
        why = `the API cannot be reached (${this.client.offlineReason ?? err.message})`;
      }
    }
    const note = this.say(why, snap);
    return { data: querySnapshot(this.docs(key, snap), query, idField, idListParam), source: "snapshot", note };
  }

  /** `materials/insertion_electrodes` search (live or snapshot). */
  insertionElectrodes(query: InsertionElectrodeQuery = {}): Promise<MPResult<InsertionElectrodeDoc>> {
    const snap = this.opts.snapshots?.insertionElectrodes ?? insertionElectrodeSnapshot();
    return this.run("electrodes", snap, () => this.client.searchInsertionElectrodes(query), query as Record<string, unknown>, "battery_id", "battery_ids");
  }

  /** `materials/summary` search (live or snapshot). */
  summary(query: SummaryQuery = {}): Promise<MPResult<SummaryDoc>> {
    const snap = this.opts.snapshots?.summary ?? summarySnapshot();
    return this.run("summary", snap, () => this.client.searchSummary(query), query as Record<string, unknown>, "material_id", "material_ids");
  }
}
