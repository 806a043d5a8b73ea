import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { CifError, parseCif, parseCifBlocks, parseSymop, readCif, parseSpeciesLabel } from "../../lib/src/structure";
import { FIXTURES_DIR, OBELIX_DIR, missingDataReason } from "../reference/structure/datasets";
import refsJson from "../reference/structure/structure_refs.json";
import { neighbors, spaceGroupOperations } from "../../lib/src/structure";
import opsJson from "../reference/structure/spacegroup_ops.json";

const obelixRefs = (refsJson as unknown as { cutoff: number; obelix: Record<string, { nsites: number; pairs: number; natoms: number; ordered: boolean }> });

const fixture = (name: string) => path.join(FIXTURES_DIR, name);

function expectCifError(fn: () => unknown, check: { line: number; column?: number; reason: RegExp }): CifError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CifError, `expected CifError, got ${String(e)}`);
    assert.equal(e.line, check.line, `line of: ${e.message}`);
    if (check.column !== undefined) assert.equal(e.column, check.column, `column of: ${e.message}`);
    assert.match(e.reason, check.reason);
    return e;
  }
  assert.fail("expected a CifError");
}

test("reads every data block with atoms, skips a publication block, and keeps text fields and quoted strings intact", () => {
  const blocks = parseCifBlocks(readFileSync(fixture("features.cif"), "utf8"));
  assert.deepEqual(blocks.map((b) => b.name), ["global", "NaCl_Fm-3m", "LiCoO2_disordered"]);
  const title = blocks[0]!.items.get("_publ_section_title")!.values[0]!;
  assert.equal(title.text, "Rock-salt test structures; this text field spans\nseveral lines and contains 'quotes', loop_ and _tags.");
  assert.equal(blocks[0]!.items.get("_journal_name_full")!.values[0]!.text, "Journal of Made-up Crystallography");
  assert.equal(blocks[1]!.items.get("_chemical_name_common")!.values[0]!.text, "sodium chloride (rock salt)");
  const structures = readCif(fixture("features.cif"));
  assert.equal(structures.length, 2);
});

test("expands _space_group_symop_operation_xyz (192 ops of Fm-3m) to the 8-site rock-salt cell, a = 5.6402(3) read as 5.6402", () => {
  const [nacl] = readCif(fixture("features.cif"));
  assert.equal(nacl!.numSites, 8);
  assert.equal(nacl!.lattice.a, 5.6402);
  assert.equal(nacl!.spaceGroupSymbol, "F m -3 m");
  assert.equal(nacl!.spaceGroupNumber, 225);
  assert.deepEqual([...nacl!.composition()], [["Na", 4], ["Cl", 4]]);
  // Oxidation states from the _atom_type loop.
  assert.equal(nacl!.sites[0]!.species[0]!.oxidationState, 1);
  assert.equal(nacl!.sites[7]!.species[0]!.oxidationState, -1);
  // Nearest Na–Cl distance = a/2.
  assert.ok(Math.abs(nacl!.distance(0, 4) - 5.6402 / 2) < 1e-12 || Math.abs(nacl!.distance(0, 5) - 5.6402 / 2) < 1e-12);
});

test("merges two labels on one position into a disordered site (Li 0.9 + Ni 0.1) and reads charges from labels like Co3+", () => {
  const [, lco] = readCif(fixture("features.cif"));
  assert.equal(lco!.numSites, 12); // 3 Li/Ni + 3 Co + 6 O in the hexagonal R-3m cell
  const mixed = lco!.sites.filter((s) => s.species.length === 2);
  assert.equal(mixed.length, 3);
  for (const s of mixed) {
    assert.deepEqual(s.species.map((x) => [x.element, x.occupancy, x.oxidationState]), [["Li", 0.9, 1], ["Ni", 0.1, 2]]);
    assert.equal(s.label, "Li1/Ni1");
  }
  const co = lco!.sites.filter((s) => s.species[0]!.element === "Co");
  assert.equal(co.length, 3);
  assert.equal(co[0]!.species[0]!.oxidationState, 3);
  assert.equal(lco!.formula(), "Li2.7 Ni0.3 Co3 O6");
  assert.equal(lco!.isOrdered, false);
});

test("parses symmetry operations with fractions, decimals and mixed terms", () => {
  const op = parseSymop({ text: "x-y+2/3, 0.5-x, -z+1/3", line: 1, column: 1, quoted: true });
  assert.deepEqual([...op.rotation], [1, -1, 0, -1, 0, 0, 0, 0, -1]);
  assert.deepEqual([...op.translation].map((v) => +v.toFixed(12)), [+(2 / 3).toFixed(12), 0.5, +(1 / 3).toFixed(12)]);
});

test("recognises species in type symbols and labels: Co3+, O2-, Li1, Fe2.5+, Cl_b", () => {
  assert.deepEqual(parseSpeciesLabel("Co3+"), { element: "Co", oxidationState: 3 });
  assert.deepEqual(parseSpeciesLabel("O2-"), { element: "O", oxidationState: -2 });
  assert.deepEqual(parseSpeciesLabel("Li1"), { element: "Li" });
  assert.deepEqual(parseSpeciesLabel("Fe2.5+"), { element: "Fe", oxidationState: 2.5 });
  assert.deepEqual(parseSpeciesLabel("Cl_b"), { element: "Cl" });
  assert.equal(parseSpeciesLabel("Xx1")?.element, undefined);
});

test("a missing cell parameter is a CifError naming the tag and the block's line", () => {
  expectCifError(() => readCif(fixture("missing_cell.cif")), { line: 1, reason: /missing cell parameter _cell_length_b/ });
});

test("a loop row with a missing value is a CifError at that row's line, giving the counts", () => {
  const e = expectCifError(() => readCif(fixture("bad_loop.cif")), { line: 14, column: 1, reason: /4 tags .* has 7 values/ });
  assert.match(e.message, /bad_loop\.cif:14:1/);
});

test("an unparseable number is a CifError at its line and column", () => {
  expectCifError(() => readCif(fixture("bad_number.cif")), { line: 14, column: 9, reason: /cannot parse '0\.5x' as a number/ });
});

test("a bad symmetry operation is a CifError at its line with the offending text", () => {
  expectCifError(() => readCif(fixture("bad_symop.cif")), { line: 11, column: 1, reason: /bad symmetry operation '-x, -y, w\+1\/2'/ });
});

test("an unterminated ';' text field is a CifError at the line that opened it", () => {
  expectCifError(() => readCif(fixture("unterminated_text.cif")), { line: 3, column: 1, reason: /never closed/ });
});

test("text without any data_ block and a value without a tag are CifErrors", () => {
  expectCifError(() => parseCif("# nothing\n"), { line: 0, reason: /no data_ block/ });
  expectCifError(() => parseCif("data_x\n_cell_length_a 3 4\n"), { line: 2, column: 18, reason: /value '4' without a tag/ });
});

test("a space group given by name only is expanded from pymatgen's tables with a warning; an unknown symbol is refused", () => {
  const head = "data_x\n_cell_length_a 8.248\n_cell_length_b 8.248\n_cell_length_c 8.248\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n";
  const atoms = "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi 0 0 0\nMn 0.625 0.625 0.625\nO 0.386 0.386 0.386\n";
  const [spinel] = parseCif(head + "_symmetry_space_group_name_H-M 'F d -3 m'\n" + atoms);
  assert.equal(spinel!.formula(), "Li8 Mn16 O32");
  assert.match(spinel!.warnings[0]!, /192 generated from the space-group symbol 'F d -3 m'/);
  expectCifError(() => parseCif(head + "_symmetry_space_group_name_H-M 'Q 9'\n" + atoms), { line: 8, reason: /not one of the Hermann–Mauguin symbols/ });
  expectCifError(() => parseCif(head + "_symmetry_Int_Tables_number 227\n" + atoms), { line: 8, reason: /only the space-group number 227/ });
});

test("operations generated for all 241 space-group symbols equal pymatgen's SpaceGroup(symbol).symmetry_ops", () => {
  const key = (r: ArrayLike<number>, t: ArrayLike<number>) =>
    Array.from(r).join(",") + "|" + Array.from(t).map((x) => { const y = x - Math.floor(x); return (Math.abs(y - 1) < 1e-6 ? 0 : y).toFixed(4); }).join(",");
  const ref = (opsJson as { ops: Record<string, string[]> }).ops;
  assert.equal(Object.keys(ref).length, 241);
  for (const [sym, xyz] of Object.entries(ref)) {
    const ours = spaceGroupOperations(sym);
    assert.ok(ours, `symbol ${sym} not found`);
    const a = ours!.ops.map((o) => key(o.rotation, o.translation)).sort();
    const b = xyz.map((x) => parseSymop({ text: x, line: 0, column: 0, quoted: true })).map((o) => key(o.rotation, o.translation)).sort();
    assert.deepEqual(a, b, `operations of ${sym}`);
  }
});

test("all 321 OBELiX CIFs parse, each with pymatgen's number of sites, atoms (occupancy sum) and 3 Å neighbour pairs", (t) => {
  const reason = missingDataReason(OBELIX_DIR);
  if (reason) return t.skip(reason);
  const files = readdirSync(OBELIX_DIR).filter((f) => f.endsWith(".cif"));
  assert.equal(files.length, 321);
  const failures: string[] = [];
  let disordered = 0, sites = 0;
  for (const f of files) {
    try {
      const [s] = readCif(path.join(OBELIX_DIR, f));
      if (!s!.isOrdered) disordered++;
      sites += s!.numSites;
      const ref = obelixRefs.obelix[f]!;
      assert.equal(s!.numSites, ref.nsites, `${f}: number of sites`);
      assert.ok(Math.abs(s!.numAtoms - ref.natoms) < 1e-6, `${f}: ${s!.numAtoms} atoms vs pymatgen ${ref.natoms}`);
      assert.equal(s!.isOrdered, ref.ordered, `${f}: ordered`);
      assert.equal(neighbors(s!, obelixRefs.cutoff).index.length, ref.pairs, `${f}: neighbour pairs within ${obelixRefs.cutoff} Å`);
    } catch (e) {
      assert.ok(e instanceof CifError, `${f}: non-CifError ${String(e)}`);
      failures.push((e as Error).message);
    }
  }
  t.diagnostic(`parsed ${files.length - failures.length}/321; ${disordered} disordered; ${sites} sites in total`);
  assert.deepEqual(failures, []);
  assert.ok(disordered > 100, `expected many disordered OBELiX structures, got ${disordered}`);
});
