import { test } from "node:test";
import assert from "node:assert/strict";
import refs from "../reference/descriptors/composition_refs.json";
import { Composition, FormulaError, OxidationStateError, UnknownElementError, parseFormula } from "../../lib/src/descriptors";

interface RefCase {
  formula: string;
  molar_mass: number;
  reduced_formula: string;
  chemical_system: string;
  elements: string[];
  atomic_fractions: Record<string, number>;
  weight_fractions: Record<string, number>;
  n_oxi_guesses: number;
  oxi_guess: Record<string, number> | null;
}
const cases = (refs as unknown as { cases: RefCase[] }).cases;

test("the pymatgen reference set holds at least 50 real battery formulas", () => {
  assert.ok(cases.length >= 50, `${cases.length}`);
});

test("molar mass agrees with pymatgen to 1e-6 relative for every reference formula", () => {
  for (const c of cases) {
    const m = parseFormula(c.formula).molarMass;
    assert.ok(Math.abs(m - c.molar_mass) / c.molar_mass < 1e-6, `${c.formula}: ${m} vs ${c.molar_mass}`);
  }
});

test("reduced formula, chemical system and element order are exactly pymatgen's", () => {
  for (const c of cases) {
    const comp = parseFormula(c.formula);
    assert.equal(comp.reducedFormula, c.reduced_formula, c.formula);
    assert.equal(comp.chemicalSystem, c.chemical_system, c.formula);
    assert.deepEqual(comp.elements, c.elements, c.formula);
  }
});

test("atomic and weight fractions are exactly pymatgen's (to 1e-12)", () => {
  for (const c of cases) {
    const comp = parseFormula(c.formula);
    const af = comp.atomicFractions();
    const wf = comp.weightFractions();
    for (const el of c.elements) {
      assert.ok(Math.abs(af[el]! - c.atomic_fractions[el]!) < 1e-12, `${c.formula} x(${el})`);
      assert.ok(Math.abs(wf[el]! - c.weight_fractions[el]!) < 1e-12, `${c.formula} w(${el})`);
    }
  }
});

test("the first oxidation-state guess and the number of guesses are exactly pymatgen's", () => {
  for (const c of cases) {
    const g = parseFormula(c.formula).oxiStateGuesses();
    assert.equal(g.length, c.n_oxi_guesses, c.formula);
    assert.deepEqual(g[0]?.states ?? null, c.oxi_guess, c.formula);
  }
});

test("guesses are ranked by ICSD occurrence score and charge-neutral", () => {
  const comp = parseFormula("Fe3O4");
  const g = comp.oxiStateGuesses();
  for (let i = 1; i < g.length; i++) assert.ok(g[i - 1]!.score >= g[i]!.score);
  for (const s of g) {
    let q = 0;
    for (const [el, a] of comp.amounts()) q += s.states[el]! * a;
    assert.ok(Math.abs(q) < 1e-9);
  }
  assert.ok(Math.abs(g[0]!.states.Fe! - 8 / 3) < 1e-12);
  assert.deepEqual(parseFormula("LiCoO2").oxiStateGuesses()[0]!.states, { Li: 1, Co: 3, O: -2 });
  assert.deepEqual(parseFormula("LiCoO2").oxiStateGuesses({ oxiStatesOverride: { Li: [1], Co: [2], O: [-2] } }), []);
});

test("battery formulas parse: substituted, garnet, Li-rich, perovskite, LGPS, argyrodite", () => {
  assert.deepEqual(parseFormula("LiNi0.8Co0.1Mn0.1O2").amounts(), [["Li", 1], ["Ni", 0.8], ["Co", 0.1], ["Mn", 0.1], ["O", 2]]);
  assert.equal(parseFormula("Li7La3Zr2O12").numAtoms, 24);
  assert.deepEqual(parseFormula("(Li0.5La0.5)TiO3").amounts(), [["Li", 0.5], ["La", 0.5], ["Ti", 1], ["O", 3]]);
  assert.deepEqual(parseFormula("Li10Ge(PS6)2").amounts(), [["Li", 10], ["Ge", 1], ["P", 2], ["S", 12]]);
  assert.deepEqual(parseFormula("Li6PS5Cl").amounts(), [["Li", 6], ["P", 1], ["S", 5], ["Cl", 1]]);
  assert.deepEqual(parseFormula("Li[Ni0.5Mn1.5]O4").amounts(), [["Li", 1], ["Ni", 0.5], ["Mn", 1.5], ["O", 4]]);
  assert.deepEqual(parseFormula("Ca[Al(OH)4]2").amounts(), [["Ca", 1], ["Al", 2], ["O", 8], ["H", 8]]);
});

test("hydrates with ·, . and * separators add the water", () => {
  for (const f of ["Na2SO4·10H2O", "Na2SO4.10H2O", "Na2SO4*10H2O", "Na2SO4 · 10 H2O"]) {
    assert.deepEqual(parseFormula(f).amounts(), [["Na", 2], ["S", 1], ["O", 14], ["H", 20]], f);
  }
  assert.deepEqual(parseFormula("CuSO4.H2O").amounts(), [["Cu", 1], ["S", 1], ["O", 5], ["H", 2]]);
  // "4.5H2O" is read as ·5H2O (a "." followed by nH2O separates a hydrate), not as O4.5
  assert.deepEqual(parseFormula("CuSO4.5H2O").amounts(), [["Cu", 1], ["S", 1], ["O", 9], ["H", 10]]);
  // a "." between digits without nH2O after it stays a decimal point
  assert.deepEqual(parseFormula("Li0.5CoO2").amounts(), [["Li", 0.5], ["Co", 1], ["O", 2]]);
});

test("industry shorthands expand: NCM622 → Ni:Co:Mn = 0.6:0.2:0.2, NCA → LiNi0.8Co0.15Al0.05O2", () => {
  const ncm = parseFormula("NCM622");
  assert.equal(ncm.expandedFrom, "LiNi0.6Co0.2Mn0.2O2");
  assert.deepEqual(ncm.transitionMetalRatio(), { Ni: 0.6, Co: 0.2, Mn: 0.2 });
  assert.deepEqual(parseFormula("NCM811").transitionMetalRatio(), { Ni: 0.8, Co: 0.1, Mn: 0.1 });
  assert.deepEqual(parseFormula("NCM523").amounts(), [["Li", 1], ["Ni", 0.5], ["Co", 0.2], ["Mn", 0.3], ["O", 2]]);
  const r111 = parseFormula("ncm111").transitionMetalRatio();
  for (const v of Object.values(r111)) assert.ok(Math.abs(v - 1 / 3) < 1e-15);
  assert.deepEqual(parseFormula("NCA").amounts(), [["Li", 1], ["Ni", 0.8], ["Co", 0.15], ["Al", 0.05], ["O", 2]]);
  assert.deepEqual(parseFormula("NMC532").transitionMetalRatio(), { Ni: 0.5, Co: 0.2, Mn: 0.3 });
});

test("Li/M ratio: 1 for LiCoO2, 1.5 for Li1.2Mn0.54Ni0.13Co0.13O2, 1 for NCA (Al counts as M)", () => {
  assert.equal(parseFormula("LiCoO2").ionToMetalRatio(), 1);
  assert.ok(Math.abs(parseFormula("Li1.2Mn0.54Ni0.13Co0.13O2").ionToMetalRatio() - 1.5) < 1e-12);
  assert.ok(Math.abs(parseFormula("NCA").ionToMetalRatio() - 1) < 1e-12);
  assert.equal(parseFormula("Na2FePO4F").ionToMetalRatio({ ion: "Na" }), 2);
  assert.throws(() => parseFormula("Li3PS4").ionToMetalRatio(), RangeError);
});

test("dopants are the elements at most 5 % of their sublattice (host cations other than Li, or anions)", () => {
  const d = parseFormula("LiNi0.8Co0.1Mn0.08Al0.02O2").dopants();
  assert.deepEqual(d.map((x) => x.symbol), ["Al"]);
  assert.equal(d[0]!.sublattice, "cation");
  assert.ok(Math.abs(d[0]!.fractionOfSublattice - 0.02) < 1e-12);
  assert.ok(Math.abs(d[0]!.fractionOfHostMetals - 0.02) < 1e-12);
  assert.deepEqual(parseFormula("LiCo0.98Mg0.02O2").dopants().map((x) => x.symbol), ["Mg"]);
  assert.deepEqual(parseFormula("LiNi0.8Co0.1Mn0.08Al0.02O2").dopants({ exclude: ["Al"] }), []);
  // F substituting O is an anion-site dopant (1 % of the anions).
  const f = parseFormula("LiNi0.8Co0.1Mn0.1O1.98F0.02").dopants();
  assert.deepEqual(f.map((x) => [x.symbol, x.sublattice]), [["F", "anion"]]);
  assert.ok(Math.abs(f[0]!.fractionOfSublattice - 0.01) < 1e-12);
  assert.throws(() => parseFormula("LiCoO2").dopants({ threshold: 5 }), /threshold .* must be in \(0, 1\), got 5/);
});

test("dopants do not depend on how the formula is scaled: LiCo0.96Mg0.04O2, Li2Co1.92Mg0.08O4 and Li50Co49MgO100 all give Mg", () => {
  for (const [f, share] of [["LiCo0.96Mg0.04O2", 0.04], ["Li2Co1.92Mg0.08O4", 0.04], ["Li50Co49MgO100", 0.02]] as const) {
    const d = parseFormula(f).dopants();
    assert.deepEqual(d.map((x) => x.symbol), ["Mg"], f);
    assert.ok(Math.abs(d[0]!.fractionOfSublattice - share) < 1e-12, `${f}: ${d[0]!.fractionOfSublattice}`);
  }
  // Al-doped LLZO: 0.25 / (0.25 + 3 + 2) = 4.76 % of the non-Li cations.
  const llzo = parseFormula("Li6.25Al0.25La3Zr2O12").dopants();
  assert.deepEqual(llzo.map((x) => x.symbol), ["Al"]);
  assert.ok(Math.abs(llzo[0]!.fractionOfSublattice - 0.25 / 5.25) < 1e-12);
});

test("host compositions have no dopants (NCM811, NCM622, LiFePO4, Li7La3Zr2O12, Li6PS5Cl); NCA's Al at exactly 5 % is one", () => {
  for (const f of ["NCM811", "NCM622", "LiFePO4", "Li7La3Zr2O12", "Li6PS5Cl", "Li10GeP2S12", "Li1.2Mn0.54Ni0.13Co0.13O2"]) {
    assert.deepEqual(parseFormula(f).dopants(), [], f);
  }
  // LiNi0.8Co0.15Al0.05O2: Al is 0.05 of the transition-metal site, the inclusive edge of the default threshold.
  assert.deepEqual(parseFormula("NCA").dopants().map((x) => x.symbol), ["Al"]);
  assert.deepEqual(parseFormula("NCA").dopants({ threshold: 0.04 }), []);
  // The working ion is never a dopant; for a sodium cathode, name it.
  assert.deepEqual(parseFormula("Li0.02Na0.98CoO2").dopants(), []);
  assert.deepEqual(parseFormula("Na0.98Li0.02CoO2").dopants({ ion: "Na" }).map((x) => x.symbol), ["Li"]);
});

function formulaError(f: string, column: number, reason: RegExp): void {
  assert.throws(
    () => parseFormula(f),
    (e: unknown) => {
      assert.ok(e instanceof FormulaError, `${f}: ${String(e)}`);
      assert.equal(e.column, column, `${f}: ${e.message}`);
      assert.match(e.reason, reason, f);
      assert.ok(e.expected.length > 0);
      assert.match(e.message, /Expected /);
      return true;
    },
  );
}

test("an unclosed bracket is a FormulaError at the end, naming the opening column", () => {
  formulaError("LiCo2O(", 8, /opened at column 7 is never closed/);
  formulaError("Li(PO4", 7, /opened at column 3/);
});
test("an unknown element is a FormulaError at its column with a suggestion", () => {
  formulaError("Xx2O", 1, /unknown element symbol "Xx"/);
  formulaError("LiQo2", 3, /unknown element/);
});
test("a signed amount is a FormulaError at the sign", () => formulaError("Li-1", 3, /signed amounts/));
test("an explicit zero amount is a FormulaError at the zero (pymatgen would drop the element silently)", () => {
  formulaError("Li0O", 3, /^amount 0 for Li/);
  assert.throws(() => parseFormula("Li0O"), /at column 3: amount 0 for Li .*typo/);
  formulaError("LiFe0PO4", 5, /^amount 0 for Fe/);
  formulaError("Li0.0CoO2", 3, /^amount 0 for Li/);
  formulaError("(Li0.5La0.5)0TiO3", 13, /multiplier 0 of the bracket group opened at column 1/);
  formulaError("CuSO4·0H2O", 7, /coefficient 0 of the part after "·"/);
  // Amounts that merely contain zeros stay valid; a range like Materials Project's Li0-1CoO2 keeps the sign error.
  assert.equal(parseFormula("Li10O").amount("Li"), 10);
  assert.equal(parseFormula("Li1.0CoO2").amount("Li"), 1);
  assert.equal(parseFormula("LiCo0.96Mg0.04O2").amount("Mg"), 0.04);
  formulaError("Li0-1CoO2", 4, /signed amounts/);
});
test("an empty formula is a FormulaError at column 1", () => {
  formulaError("", 1, /empty/);
  formulaError("   ", 1, /empty/);
});
test("a number with two decimal points is a FormulaError at the second point", () => formulaError("Li2O3.5.1", 8, /second decimal point/));
test("mismatched or stray brackets, lower-case starts and dangling separators are FormulaErrors", () => {
  formulaError("(Li0.5La0.5]TiO3", 12, /does not match/);
  formulaError("Li2)O", 4, /no matching opening/);
  formulaError("li2O", 1, /capital/);
  formulaError("Na2SO4·", 8, /ends after the separator/);
  formulaError("2LiF", 1, /cannot start with a number/);
  formulaError("Li()O", 4, /empty bracket/);
});

test("Composition from a record validates symbols and amounts", () => {
  assert.equal(new Composition({ Li: 1, Co: 1, O: 2 }).reducedFormula, "LiCoO2");
  assert.equal(new Composition([["Li", 4], ["Fe", 4], ["P", 4], ["O", 16]]).reducedComposition().toString(), "LiFePO4");
  assert.throws(() => new Composition({ Lx: 1 }), UnknownElementError);
  assert.throws(() => new Composition({ Li: -1 }), FormulaError);
  assert.throws(() => new Composition({ Li: NaN }), FormulaError);
});

test("pymatgen conventions: polyanion brackets, peroxide special formula, non-integer 1s", () => {
  assert.equal(parseFormula("Li3Fe2P3O12").reducedFormula, "Li3Fe2(PO4)3");
  assert.equal(parseFormula("Li2O2").reducedFormula, "Li2O2");
  assert.equal(parseFormula("O4").reducedFormula, "O2");
  assert.equal(parseFormula("LiNi0.8Co0.1Mn0.1O2").reducedFormula, "Li1Mn0.1Co0.1Ni0.8O2");
});

test("non-integer formulas are scaled to the smallest integer formula before charge balancing", () => {
  // NCM811 → Li10Ni8CoMnO20; with Co3+ and Mn4+ fixed, charge neutrality forces Ni to 23/8
  const g = parseFormula("NCM811").oxiStateGuesses({ oxiStatesOverride: { Ni: [2, 3, 4], Co: [3], Mn: [4] } });
  assert.deepEqual(g[0]!.states, { Li: 1, Ni: 2.875, Co: 3, Mn: 4, O: -2 });
});

test("a formula with too many oxidation-state combinations fails with advice instead of hanging", () => {
  assert.throws(
    () => parseFormula("LiNi0.3333Co0.3333Mn0.3334O2").oxiStateGuesses(),
    (e: unknown) => e instanceof OxidationStateError && /3333 sites/.test(e.message) && /oxiStatesOverride/.test(e.message),
  );
});
