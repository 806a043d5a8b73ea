import { parseSymop, type SymOp } from "./cif";
import { SPACE_GROUP_GENERATORS } from "./spacegroup-data";

const normalize = (s: string) => s.replace(/[\s_]/g, "");

let index: Map<string, string> | undefined;
function lookupKey(symbol: string): string | undefined {
  if (!index) {
    index = new Map();
    for (const key of Object.keys(SPACE_GROUP_GENERATORS)) index.set(normalize(key), key);
  }
  return index.get(normalize(symbol));
}

const mod1 = (x: number) => {
  const y = x - Math.floor(x);
  return Math.abs(1 - y) < 1e-6 || Math.abs(y) < 1e-9 ? 0 : y;
};

const cache = new Map<string, SymOp[]>();

/**
 * Symmetry operations of a space group given by its Hermann–Mauguin symbol ("Fd-3m", "F d -3 m", "P4_2/nmc",
 * "R-3m"), exactly the set pymatgen 2022.11's CifParser uses when a CIF names the group without listing operations
 * (its settings: e.g. Fd-3m origin choice 1, R-3m hexagonal axes). Whitespace and underscores are ignored, as
 * pymatgen does. Returns undefined for a symbol pymatgen would not recognise either.
 *
 * @example
 * ```ts
 * spaceGroupOperations("Fd-3m")?.ops.length; // 192
 * ```
 */
export function spaceGroupOperations(symbol: string): { ops: SymOp[]; key: string; number: number } | undefined {
  const key = lookupKey(symbol);
  if (key === undefined) return undefined;
  const [number, order, gens] = SPACE_GROUP_GENERATORS[key]!;
  let ops = cache.get(key);
  if (!ops) {
    type Op = { r: number[]; t: number[] };
    const id = (o: Op) => o.r.join(",") + "|" + o.t.map((x) => Math.round(x * 24)).join(",");
    const all = new Map<string, Op>();
    const add = (o: Op) => { const k = id(o); if (all.has(k)) return false; all.set(k, o); return true; };
    add({ r: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] });
    const generators: Op[] = gens.split(";").filter((g) => g !== "").map((g) => {
      const p = parseSymop({ text: g, line: 0, column: 0, quoted: true });
      return { r: Array.from(p.rotation), t: Array.from(p.translation, mod1) };
    });
    // Breadth-first closure: every element times every generator (a finite group is generated this way).
    const queue = [...all.values()];
    while (queue.length > 0 && all.size <= order) {
      const a = queue.shift()!;
      for (const b of generators) {
        // a∘b: x → Ra(Rb x + tb) + ta
        const r = new Array<number>(9).fill(0);
        const t = [0, 0, 0];
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[3 * i + j]! += a.r[3 * i + k]! * b.r[3 * k + j]!;
          t[i] = mod1(a.r[3 * i]! * b.t[0]! + a.r[3 * i + 1]! * b.t[1]! + a.r[3 * i + 2]! * b.t[2]! + a.t[i]!);
        }
        const o = { r, t };
        if (add(o)) queue.push(o);
      }
    }
    if (all.size !== order) throw new Error(`space group ${key}: closure gave ${all.size} operations, expected ${order}`);
    ops = [...all.values()].map((o) => ({ rotation: Float64Array.from(o.r), translation: Float64Array.from(o.t), text: `${key} operation` }));
    cache.set(key, ops);
  }
  return { key, number, ops };
}
