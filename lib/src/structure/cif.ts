import { readFileSync } from "node:fs";
import { isElementSymbol } from "./elements";
import { CifError } from "./errors";
import { spaceGroupOperations } from "./spacegroups";
import { Lattice } from "./lattice";
import { Structure, type Site, type SpeciesOccupancy } from "./structure";

/** One value of a CIF item with where it was written (1-based line/column). */
export interface CifValue {
  /** Raw text (quotes removed; for a `;` text field, the lines between the delimiters joined by "\n"). */
  text: string;
  /** 1-based line where the value starts. */
  line: number;
  /** 1-based column where the value starts. */
  column: number;
  /** True when the value was quoted or a text field (so `?` and `.` are literal text, not "unknown"). */
  quoted: boolean;
}

/** A data item of a block: single value or a loop column. */
export interface CifItem {
  /** The tag as written (`_cell_length_a`). */
  tag: string;
  values: CifValue[];
  /** Index of the loop the item belongs to, or -1 for a single item. */
  loop: number;
  /** 1-based line of the tag. */
  line: number;
  /** 1-based column of the tag. */
  column: number;
}

/** A CIF data block (`data_<name>`): its items keyed by lower-case tag. */
export interface CifBlock {
  /** Block name (the text after `data_`). */
  name: string;
  /** 1-based line of the `data_` header. */
  line: number;
  /** Items by lower-case tag (CIF tags are case-insensitive). */
  items: Map<string, CifItem>;
}

interface Token {
  kind: "data" | "loop" | "tag" | "value" | "save" | "global" | "stop";
  text: string;
  line: number;
  column: number;
  quoted: boolean;
}

/** Splits CIF 1.1 text into tokens: comments, quoted strings (a quote closes only before whitespace), `;` text fields. */
function tokenize(text: string, source: string | undefined): Token[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const out: Token[] = [];
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.startsWith(";")) {
      const start = li;
      const parts = [line.slice(1)];
      li++;
      while (li < lines.length && !lines[li]!.startsWith(";")) parts.push(lines[li++]!);
      if (li >= lines.length) throw new CifError("text field opened with ';' at the start of this line is never closed (a line starting with ';' is needed)", start + 1, 1, source);
      let t = parts.join("\n");
      if (t.startsWith("\n")) t = t.slice(1);
      out.push({ kind: "value", text: t.replace(/\s+$/, ""), line: start + 1, column: 1, quoted: true });
      // Text after the closing ';' on the same line continues the token stream.
      const rest = lines[li]!.slice(1);
      if (rest.trim() !== "") lineTokens(rest, li + 1, 2, out, source);
      continue;
    }
    lineTokens(line, li + 1, 1, out, source);
  }
  return out;
}

function lineTokens(line: string, lineNo: number, colOffset: number, out: Token[], source: string | undefined): void {
  let i = 0;
  const n = line.length;
  const ws = (c: string | undefined) => c === undefined || c === " " || c === "\t";
  while (i < n) {
    const c = line[i]!;
    if (c === " " || c === "\t") { i++; continue; }
    if (c === "#") return;
    const col = i + colOffset;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && !(line[j] === c && ws(line[j + 1]))) j++;
      if (j >= n) throw new CifError(`unterminated ${c === "'" ? "single" : "double"}-quoted string (a closing ${c} followed by a space or end of line is needed)`, lineNo, col, source);
      out.push({ kind: "value", text: line.slice(i + 1, j), line: lineNo, column: col, quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < n && line[j] !== " " && line[j] !== "\t") j++;
    const word = line.slice(i, j);
    const lower = word.toLowerCase();
    let kind: Token["kind"] = "value";
    if (word.startsWith("_")) kind = "tag";
    else if (lower.startsWith("data_")) kind = "data";
    else if (lower === "loop_") kind = "loop";
    else if (lower.startsWith("save_")) kind = "save";
    else if (lower === "global_") kind = "global";
    else if (lower === "stop_") kind = "stop";
    out.push({ kind, text: word, line: lineNo, column: col, quoted: false });
    i = j;
  }
}

/**
 * Reads the data blocks of a CIF (CIF 1.1 syntax: single items, `loop_`s, quoted strings, `;` text fields,
 * comments). Throws {@link CifError} with line and column for a loop whose value count is not a multiple of its
 * tags, a tag without a value, or a value outside any block.
 */
export function parseCifBlocks(text: string, source?: string): CifBlock[] {
  const toks = tokenize(text, source);
  const blocks: CifBlock[] = [];
  let block: CifBlock | undefined;
  let loopCount = 0;
  const add = (item: CifItem) => {
    if (!block) throw new CifError(`data item ${item.tag} appears before any data_ block header`, item.line, item.column, source);
    const key = item.tag.toLowerCase();
    if (block.items.has(key)) throw new CifError(`tag ${item.tag} is defined twice in block data_${block.name} (first at line ${block.items.get(key)!.line})`, item.line, item.column, source);
    block.items.set(key, item);
  };
  let i = 0;
  while (i < toks.length) {
    const t = toks[i]!;
    if (t.kind === "data") {
      block = { name: t.text.slice(5), line: t.line, items: new Map() };
      blocks.push(block);
      i++;
    } else if (t.kind === "tag") {
      const v = toks[i + 1];
      if (!v || v.kind !== "value") throw new CifError(`tag ${t.text} has no value (found ${v ? `'${v.text}'` : "end of file"})`, t.line, t.column, source);
      add({ tag: t.text, values: [{ text: v.text, line: v.line, column: v.column, quoted: v.quoted }], loop: -1, line: t.line, column: t.column });
      i += 2;
    } else if (t.kind === "loop") {
      const tags: Token[] = [];
      i++;
      while (i < toks.length && toks[i]!.kind === "tag") tags.push(toks[i++]!);
      if (tags.length === 0) throw new CifError("loop_ without any tags after it", t.line, t.column, source);
      const vals: Token[] = [];
      while (i < toks.length && toks[i]!.kind === "value") vals.push(toks[i++]!);
      if (vals.length % tags.length !== 0) {
        const rows = Math.floor(vals.length / tags.length);
        const bad = vals[rows * tags.length]!;
        throw new CifError(
          `loop with ${tags.length} tags (${tags.map((x) => x.text).join(", ")}) has ${vals.length} values, not a multiple of ${tags.length}: ` +
            `the last row (starting with '${bad.text}' at line ${bad.line}) has ${vals.length - rows * tags.length} value(s)`,
          bad.line, bad.column, source);
      }
      const loopIdx = loopCount++;
      tags.forEach((tg, k) => {
        const values: CifValue[] = [];
        for (let r = k; r < vals.length; r += tags.length) {
          const v = vals[r]!;
          values.push({ text: v.text, line: v.line, column: v.column, quoted: v.quoted });
        }
        add({ tag: tg.text, values, loop: loopIdx, line: tg.line, column: tg.column });
      });
    } else if (t.kind === "save" || t.kind === "global" || t.kind === "stop") {
      // Save frames (dictionaries) are not crystal data; skip their header tokens.
      i++;
    } else {
      throw new CifError(`value '${t.text}' without a tag (values must follow a _tag or a loop_ header)`, t.line, t.column, source);
    }
  }
  return blocks;
}

/**
 * Parses a CIF number, accepting standard uncertainties `0.1234(5)`. Returns null for `?`/`.` (unknown /
 * inapplicable). Throws {@link CifError} (with the value's line and column) when the text is not a number.
 */
export function parseCifNumber(v: CifValue, what: string, source?: string): number | null {
  const t = v.text.trim();
  if (!v.quoted && (t === "?" || t === ".")) return null;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:\(\d+\))?$/.exec(t);
  if (!m) throw new CifError(`${what}: cannot parse '${v.text}' as a number (expected e.g. 1.234, -0.5, 1.2e-3 or 0.1234(5))`, v.line, v.column, source);
  return Number(m[1]);
}

/** A symmetry operation x' = R·x + t on fractional coordinates (R row-major 3×3). */
export interface SymOp {
  /** Rotation part R, row-major 3×3. */
  rotation: Float64Array;
  /** Translation part t (fractions of the lattice vectors). */
  translation: Float64Array;
  /** The text it was parsed from. */
  text: string;
}

/**
 * Parses a symmetry operation written as in `_symmetry_equiv_pos_as_xyz` (`-x+1/2, y, z+1/2`, `x-y, x, 1/3+z`,
 * `0.5-y, x, -z`). Throws {@link CifError} at the value's position for anything else.
 */
export function parseSymop(v: CifValue, source?: string): SymOp {
  const parts = v.text.replace(/\s+/g, "").toLowerCase().split(",");
  const bad = (why: string) =>
    new CifError(`bad symmetry operation '${v.text}': ${why} (expected three comma-separated expressions in x, y, z such as '-x+1/2, y, z')`, v.line, v.column, source);
  if (parts.length !== 3) throw bad(`${parts.length} component(s)`);
  const R = new Float64Array(9), T = new Float64Array(3);
  parts.forEach((p, row) => {
    if (p === "") throw bad(`component ${row + 1} is empty`);
    const re = /([+-]?)(\d+(?:\.\d*)?(?:\/\d+(?:\.\d*)?)?)?\*?([xyz])?/y;
    let pos = 0;
    while (pos < p.length) {
      re.lastIndex = pos;
      const m = re.exec(p);
      if (!m || m[0] === "" || (m[2] === undefined && m[3] === undefined)) throw bad(`cannot read '${p.slice(pos)}' in component ${row + 1}`);
      if (pos > 0 && m[1] === "") throw bad(`missing + or − before '${m[0]}' in component ${row + 1}`);
      const sign = m[1] === "-" ? -1 : 1;
      let num = 1;
      if (m[2] !== undefined) {
        const [n, d] = m[2].split("/");
        num = Number(n) / (d === undefined ? 1 : Number(d));
        if (!Number.isFinite(num)) throw bad(`bad number '${m[2]}'`);
      }
      if (m[3] !== undefined) R[row * 3 + "xyz".indexOf(m[3])]! += sign * num;
      else T[row]! += sign * num;
      pos = re.lastIndex;
    }
  });
  return { rotation: R, translation: T, text: v.text };
}

/** Options for {@link parseCif} / {@link readCif}. */
export interface CifReadOptions {
  /**
   * Fractional tolerance for merging symmetry copies and coinciding sites (periodic, per coordinate; default 1e-4,
   * pymatgen's `site_tolerance`).
   */
  siteTolerance?: number;
  /**
   * Snap fractional coordinates within a relative 1e-4 of 1/3 or 2/3 to the exact value before applying the
   * symmetry operations, as pymatgen does (default true); avoids spurious near-duplicates from `0.3333`.
   */
  snapThirds?: boolean;
  /** Source label used in error messages (readCif passes the file path). */
  source?: string;
}

function item(b: CifBlock, ...tags: string[]): CifItem | undefined {
  for (const t of tags) {
    const it = b.items.get(t);
    if (it) return it;
  }
  return undefined;
}

const CELL_TAGS = ["_cell_length_a", "_cell_length_b", "_cell_length_c", "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"];

/** Element and oxidation state from a type symbol or label: "Co3+" → Co,+3; "O2-" → O,−2; "Li1" → Li; "Fe2.5+" → Fe,+2.5. */
export function parseSpeciesLabel(text: string): { element: string; oxidationState?: number } | null {
  const ox = /^([A-Z][a-z]?)(\d*(?:\.\d+)?)([+-])$/.exec(text.trim());
  if (ox && isElementSymbol(ox[1]!)) {
    const mag = ox[2] === "" ? 1 : Number(ox[2]);
    return { element: ox[1]!, oxidationState: ox[3] === "-" ? -mag : mag };
  }
  const m = /^([A-Za-z]{1,2})/.exec(text.trim());
  if (!m) return null;
  const s = m[1]!;
  const two = s.length === 2 ? s[0]!.toUpperCase() + s[1]!.toLowerCase() : "";
  if (two && isElementSymbol(two)) return { element: two };
  const one = s[0]!.toUpperCase();
  if (isElementSymbol(one)) return { element: one };
  return null;
}

/** Builds the full-cell {@link Structure} from one data block (symmetry expanded, duplicates merged). */
export function structureFromBlock(b: CifBlock, options: CifReadOptions = {}): Structure {
  const src = options.source;
  const tol = options.siteTolerance ?? 1e-4;
  const snap = options.snapThirds ?? true;
  const where = `data_${b.name}`;
  const cell: number[] = [];
  for (const tag of CELL_TAGS) {
    const it = b.items.get(tag);
    if (!it) throw new CifError(`missing cell parameter ${tag} in block ${where} (all of ${CELL_TAGS.join(", ")} are needed)`, b.line, undefined, src);
    const v = parseCifNumber(it.values[0]!, tag, src);
    if (v === null || !(v > 0)) throw new CifError(`cell parameter ${tag} must be a positive number, got '${it.values[0]!.text}'`, it.values[0]!.line, it.values[0]!.column, src);
    cell.push(v);
  }
  let lattice: Lattice;
  try {
    lattice = Lattice.fromParameters(cell[0]!, cell[1]!, cell[2]!, cell[3]!, cell[4]!, cell[5]!);
  } catch (e) {
    throw new CifError(`invalid cell in block ${where}: ${(e as Error).message}`, b.items.get("_cell_length_a")!.line, undefined, src);
  }

  const sgSymbolItem = item(b, "_symmetry_space_group_name_h-m", "_space_group_name_h-m_alt", "_space_group.name_h-m_alt");
  const sgNumItem = item(b, "_symmetry_int_tables_number", "_space_group_it_number", "_space_group.it_number");
  const spaceGroupSymbol = sgSymbolItem?.values[0]?.text.trim();
  const sgNum = sgNumItem ? parseCifNumber(sgNumItem.values[0]!, sgNumItem.tag, src) : null;

  const opsItem = item(b, "_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz", "_space_group_symop.operation_xyz");
  let ops: SymOp[];
  let generatedFrom: string | undefined;
  if (opsItem) {
    ops = opsItem.values.map((v) => parseSymop(v, src));
  } else {
    const sym = (spaceGroupSymbol ?? "").replace(/\s+/g, "").toUpperCase();
    const generated = sym === "" ? undefined : spaceGroupOperations(spaceGroupSymbol!);
    if (sym === "P1" || (sym === "" && (sgNum === null || sgNum === 1))) {
      ops = [parseSymop({ text: "x,y,z", line: b.line, column: 1, quoted: true })];
    } else if (generated) {
      ops = generated.ops;
      generatedFrom = generated.key;
    } else if (sym === "") {
      throw new CifError(
        `block ${where} gives only the space-group number ${sgNum} and no symmetry operations; add _symmetry_equiv_pos_as_xyz or a Hermann–Mauguin symbol`,
        sgNumItem!.line, sgNumItem!.column, src);
    } else {
      throw new CifError(
        `block ${where} names space group '${spaceGroupSymbol}' but lists no symmetry operations, and the symbol is not one of the ` +
          `Hermann–Mauguin symbols this reader knows (e.g. 'Fd-3m', 'P 42/n m c', 'C2/c'); add _symmetry_equiv_pos_as_xyz or _space_group_symop_operation_xyz`,
        sgSymbolItem!.line, sgSymbolItem!.column, src);
    }
  }

  const fx = b.items.get("_atom_site_fract_x"), fy = b.items.get("_atom_site_fract_y"), fz = b.items.get("_atom_site_fract_z");
  if (!fx || !fy || !fz) {
    const cartesian = b.items.has("_atom_site_cartn_x");
    throw new CifError(
      cartesian
        ? `block ${where} gives Cartesian coordinates (_atom_site_Cartn_x) only; fractional _atom_site_fract_x/y/z are needed`
        : `block ${where} has no atom sites: _atom_site_fract_x, _atom_site_fract_y and _atom_site_fract_z are needed`,
      b.line, undefined, src);
  }
  const labels = b.items.get("_atom_site_label");
  const types = b.items.get("_atom_site_type_symbol");
  const occ = b.items.get("_atom_site_occupancy");
  const nSite = fx.values.length;
  for (const it of [fy, fz, labels, types, occ]) {
    if (it && it.values.length !== nSite) throw new CifError(`${it.tag} has ${it.values.length} values but _atom_site_fract_x has ${nSite}`, it.line, it.column, src);
  }
  // Oxidation states by type symbol from the _atom_type loop.
  const oxByType = new Map<string, number>();
  const atSym = b.items.get("_atom_type_symbol"), atOx = b.items.get("_atom_type_oxidation_number");
  if (atSym && atOx) {
    atSym.values.forEach((v, k) => {
      const o = parseCifNumber(atOx.values[k]!, "_atom_type_oxidation_number", src);
      if (o !== null) oxByType.set(v.text, o);
    });
  }

  const warnings: string[] = [];
  if (generatedFrom !== undefined) {
    warnings.push(`no symmetry operations listed; ${ops.length} generated from the space-group symbol '${spaceGroupSymbol}' (${generatedFrom}, pymatgen's standard setting)`);
  }
  const third = (x: number) => {
    if (!snap) return x;
    for (const f of [1 / 3, 2 / 3]) if (Math.abs(1 - x / f) < 1e-4) return f;
    return x;
  };
  // Expanded, merged sites.
  const outFrac: number[] = [];
  const outSites: Site[] = [];
  // Spatial hash on fractional coordinates for merging (cells of size >= tol).
  const grid = 32;
  const buckets = new Map<number, number[]>();
  const key = (x: number, y: number, z: number) => ((Math.floor(x * grid) % grid) * grid + (Math.floor(y * grid) % grid)) * grid + (Math.floor(z * grid) % grid);
  const findSite = (x: number, y: number, z: number): number => {
    const bx = Math.floor(x * grid), by = Math.floor(y * grid), bz = Math.floor(z * grid);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (let dz = -1; dz <= 1; dz++) {
      const k = ((((bx + dx) % grid + grid) % grid) * grid + (((by + dy) % grid + grid) % grid)) * grid + (((bz + dz) % grid + grid) % grid);
      const list = buckets.get(k);
      if (!list) continue;
      for (const s of list) {
        let d = outFrac[3 * s]! - x; d -= Math.round(d);
        if (Math.abs(d) > tol) continue;
        d = outFrac[3 * s + 1]! - y; d -= Math.round(d);
        if (Math.abs(d) > tol) continue;
        d = outFrac[3 * s + 2]! - z; d -= Math.round(d);
        if (Math.abs(d) <= tol) return s;
      }
    }
    return -1;
  };

  for (let k = 0; k < nSite; k++) {
    const labelText = labels?.values[k]!.text ?? types?.values[k]!.text ?? "";
    const typeText = types?.values[k]!.text;
    const parsed = parseSpeciesLabel(typeText ?? labelText);
    if (!parsed) {
      const v = (types ?? labels ?? fx).values[k]!;
      throw new CifError(`cannot find an element symbol in '${v.text}' (expected e.g. 'Co', 'Co3+', 'O1')`, v.line, v.column, src);
    }
    let oxidationState = parsed.oxidationState;
    if (typeText !== undefined && oxByType.has(typeText)) oxidationState = oxByType.get(typeText);
    else if (oxidationState === undefined && oxByType.has(labelText)) oxidationState = oxByType.get(labelText);
    const xyz: number[] = [];
    for (const it of [fx, fy, fz]) {
      const v = it.values[k]!;
      const num = parseCifNumber(v, `${it.tag} of site ${labelText || k + 1}`, src);
      if (num === null) throw new CifError(`${it.tag} of site ${labelText || k + 1} is unknown ('${v.text}'); a number is needed`, v.line, v.column, src);
      xyz.push(third(num));
    }
    let o = 1;
    if (occ) {
      const v = occ.values[k]!;
      const num = parseCifNumber(v, `_atom_site_occupancy of site ${labelText}`, src);
      if (num !== null) o = num;
      if (num !== null && num < 0) throw new CifError(`negative occupancy ${num} for site ${labelText}`, v.line, v.column, src);
    }
    if (!(o > 0)) continue; // pymatgen also drops zero-occupancy sites.
    const sp: SpeciesOccupancy = { element: parsed.element, occupancy: o };
    if (oxidationState !== undefined) sp.oxidationState = oxidationState;
    // Orbit of this site; duplicates within the orbit dropped, coincidences with earlier sites merged.
    const orbitStart = outSites.length;
    const mergedInto = new Set<number>();
    for (const op of ops) {
      const R = op.rotation, T = op.translation;
      let x = R[0]! * xyz[0]! + R[1]! * xyz[1]! + R[2]! * xyz[2]! + T[0]!;
      let y = R[3]! * xyz[0]! + R[4]! * xyz[1]! + R[5]! * xyz[2]! + T[1]!;
      let z = R[6]! * xyz[0]! + R[7]! * xyz[1]! + R[8]! * xyz[2]! + T[2]!;
      x -= Math.floor(x); y -= Math.floor(y); z -= Math.floor(z);
      const hit = findSite(x, y, z);
      if (hit >= orbitStart) continue; // symmetry copy of this same site
      if (hit >= 0) {
        if (mergedInto.has(hit)) continue; // special position: this orbit already merged into that site
        mergedInto.add(hit);
        const site = outSites[hit]!;
        const same = site.species.find((s) => s.element === sp.element && s.oxidationState === sp.oxidationState);
        if (same) same.occupancy += sp.occupancy;
        else site.species.push({ ...sp });
        if (!site.label.split("/").includes(labelText)) site.label += `/${labelText}`;
        continue;
      }
      const idx = outSites.length;
      outFrac.push(x, y, z);
      outSites.push({ species: [{ ...sp }], label: labelText || parsed.element });
      const kk = key(x, y, z);
      const list = buckets.get(kk);
      if (list) list.push(idx); else buckets.set(kk, [idx]);
    }
  }
  if (outSites.length === 0) throw new CifError(`block ${where} has no atom site with positive occupancy`, fx.line, fx.column, src);
  outSites.forEach((s, i) => {
    const total = s.species.reduce((a, x) => a + x.occupancy, 0);
    if (total > 1 + 1e-3) warnings.push(`site ${i} (${s.label}) has total occupancy ${total.toFixed(4)} > 1 after merging coinciding positions`);
  });
  const opts: { spaceGroupSymbol?: string; spaceGroupNumber?: number; name: string; warnings: string[] } = { name: b.name, warnings };
  if (spaceGroupSymbol !== undefined) opts.spaceGroupSymbol = spaceGroupSymbol;
  if (sgNum !== null) opts.spaceGroupNumber = sgNum;
  return new Structure(lattice, outFrac, outSites, opts);
}

/**
 * Parses CIF text into structures, one per data block that has cell and atom-site data (blocks without
 * `_atom_site_fract_x` and without a cell are skipped, e.g. a publication block).
 *
 * Symmetry operations come from `_symmetry_equiv_pos_as_xyz` or `_space_group_symop_operation_xyz` (when neither is
 * present, from the Hermann–Mauguin symbol in pymatgen's standard setting, with a warning); each site is
 * expanded over them, copies within `siteTolerance` (periodic) are dropped, and sites from different labels that
 * coincide are merged into one disordered site (occupancies added). Species come from `_atom_site_type_symbol`
 * (else the label); oxidation states from `_atom_type_oxidation_number` or a symbol like `Co3+`.
 *
 * @throws {@link CifError} with line/column and reason on malformed input (missing cell parameter, loop with a
 *   wrong number of values, unparseable number, bad symmetry operation, no element in a label).
 * @example
 * ```ts
 * const [s] = parseCif(text);
 * console.log(s.lattice.a, s.numSites, s.spaceGroupSymbol);
 * ```
 */
export function parseCif(text: string, options: CifReadOptions = {}): Structure[] {
  const blocks = parseCifBlocks(text, options.source);
  if (blocks.length === 0) throw new CifError("no data_ block found (a CIF starts its data with a line such as 'data_LiCoO2')", 0, undefined, options.source);
  const out: Structure[] = [];
  for (const b of blocks) {
    const hasAtoms = b.items.has("_atom_site_fract_x") || b.items.has("_atom_site_cartn_x");
    const hasCell = CELL_TAGS.some((t) => b.items.has(t));
    if (!hasAtoms && !hasCell) continue;
    out.push(structureFromBlock(b, options));
  }
  if (out.length === 0) throw new CifError("no data block with cell parameters and atom sites", blocks[0]!.line, undefined, options.source);
  return out;
}

/** Reads a CIF file and returns its structures (see {@link parseCif}); errors name the file. */
export function readCif(path: string, options: CifReadOptions = {}): Structure[] {
  const text = readFileSync(path, "utf8");
  return parseCif(text, { ...options, source: options.source ?? path });
}
