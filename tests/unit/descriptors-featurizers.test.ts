import { test } from "node:test";
import assert from "node:assert/strict";
import refs from "../reference/descriptors/composition_refs.json";
import {
  DescriptorError,
  ElementProperty,
  FeaturizationError,
  IonProperty,
  OxidationStates,
  Stoichiometry,
  ValenceOrbital,
  citationsOf,
  featurizeDataFrame,
  featurizeMany,
  parseFormula,
  propertyStat,
} from "../../lib/src/descriptors";

interface RefCase {
  formula: string;
  magpie: number[];
  stoichiometry: number[];
  valence_orbital: number[];
  ion_property: number[];
  oxidation_states: number[] | null;
}
const R = refs as unknown as { magpie_labels: string[]; cases: RefCase[] };

function close(a: number, b: number, tol = 1e-12): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

test("the magpie preset has matminer's 132 labels in matminer's order", () => {
  const labels = ElementProperty.fromPreset("magpie").featureLabels();
  assert.equal(labels.length, 132);
  assert.deepEqual(labels, R.magpie_labels);
  assert.equal(labels[0], "MagpieData minimum Number");
  assert.equal(labels[131], "MagpieData mode SpaceGroupNumber");
});

test("Fe2O3 gives matminer's published mean Number 15.2 and avg_dev Number 8.64", () => {
  const ep = ElementProperty.fromPreset("magpie");
  const x = ep.featurize("Fe2O3");
  const l = ep.featureLabels();
  assert.ok(close(x[l.indexOf("MagpieData mean Number")]!, 15.2, 1e-14));
  assert.ok(close(x[l.indexOf("MagpieData avg_dev Number")]!, 8.64, 1e-14));
  assert.equal(x[l.indexOf("MagpieData mode Number")], 8); // O has the largest amount
  assert.equal(x[l.indexOf("MagpieData range Number")], 18);
});

test("Fe2O3 gives matminer's published ValenceOrbital, IonProperty and Stoichiometry values", () => {
  // ValenceOrbital (matminer docs): Fe 2s 6d, O 2s 4p; avg over 5 atoms s = 10/5 = 2.0, p = 12/5 = 2.4, d = 12/5 = 2.4;
  // frac s = 10 / (10 + 12 + 12) = 0.294118.
  const vo = new ValenceOrbital().featurize("Fe2O3");
  assert.ok(close(vo[0]!, 2.0, 1e-14) && close(vo[1]!, 2.4, 1e-14) && close(vo[2]!, 2.4, 1e-14), `avg s/p/d ${vo.slice(0, 3)}`);
  assert.ok(Math.abs(vo[4]! - 0.294118) < 5e-7, `frac s ${vo[4]}`);
  // IonProperty (matminer docs): max ionic char 1 − exp(−(3.44 − 1.83)²/4) = 0.476922; avg ionic char x_Fe·x_O·0.476922 = 0.114461.
  const ip = new IonProperty().featurize("Fe2O3");
  assert.equal(ip[0], 1);
  assert.ok(Math.abs(ip[1]! - 0.476922) < 5e-7, `max ionic char ${ip[1]}`);
  assert.ok(Math.abs(ip[2]! - 0.114461) < 5e-7, `avg ionic char ${ip[2]}`);
  // Stoichiometry: ‖x‖_p = (0.4^p + 0.6^p)^(1/p) of the atomic fractions, evaluated by hand: p = 2: sqrt(0.16 + 0.36) = 0.7211;
  // p = 3: (0.064 + 0.216)^(1/3) = 0.6542; p = 5: (0.01024 + 0.07776)^(1/5) = 0.6150; p = 7: (0.0016384 + 0.0279936)^(1/7) = 0.6049;
  // p = 10: (0.0001048576 + 0.0060466176)^(1/10) = 0.6010. The 0-norm is the number of elements.
  const st = new Stoichiometry().featurize("Fe2O3");
  const want = [2, 0.7211, 0.6542, 0.615, 0.6049, 0.601];
  st.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 5e-5, `${new Stoichiometry().featureLabels()[i]}: ${v} vs ${want[i]}`));
});

test("mode takes the lowest value among elements tied for the largest amount", () => {
  assert.equal(propertyStat("mode", [26, 8], [1, 1]), 8);
  assert.equal(propertyStat("mode", [26, 8, 3], [2, 1, 2]), 3);
  assert.equal(propertyStat("std_dev", [5], [3]), 0);
});

test("all five featurizers agree with the matminer-rule reference for every reference formula (1e-12)", () => {
  const fz = {
    magpie: ElementProperty.fromPreset("magpie"),
    stoichiometry: new Stoichiometry(),
    valence_orbital: new ValenceOrbital(),
    ion_property: new IonProperty(),
    oxidation_states: new OxidationStates(),
  };
  for (const c of R.cases) {
    const comp = parseFormula(c.formula);
    for (const [key, f] of Object.entries(fz)) {
      const ref = c[key as keyof typeof fz];
      if (ref === null) continue;
      const got = f.featurize(comp);
      assert.equal(got.length, ref.length);
      got.forEach((v, i) => assert.ok(close(v, ref[i]!), `${c.formula} ${key} ${f.featureLabels()[i]}: ${v} vs ${ref[i]}`));
    }
  }
});

test("every featurizer has labels as long as its features, citations and implementors", () => {
  for (const f of [ElementProperty.fromPreset("magpie"), new Stoichiometry(), new ValenceOrbital(), new IonProperty(), new OxidationStates()]) {
    assert.equal(f.featurize("LiCoO2").length, f.featureLabels().length);
    assert.ok(f.citations().length > 0 && f.implementors().length > 0);
  }
  assert.deepEqual(new Stoichiometry().featureLabels(), ["0-norm", "2-norm", "3-norm", "5-norm", "7-norm", "10-norm"]);
  assert.deepEqual(new ValenceOrbital().featureLabels().slice(0, 2), ["avg s valence electrons", "avg p valence electrons"]);
  assert.deepEqual(new IonProperty().featureLabels(), ["compound possible", "max ionic char", "avg ionic char"]);
  assert.deepEqual(new OxidationStates().featureLabels(), ["minimum oxidation state", "maximum oxidation state", "range oxidation state", "std_dev oxidation state"]);
  assert.ok(citationsOf([new Stoichiometry(), new ValenceOrbital()]).some((c) => /Matminer/.test(c)));
});

test("a missing Magpie value raises FeaturizationError unless imputeNan is set", () => {
  assert.throws(() => ElementProperty.fromPreset("magpie").featurize("OgF2"), (e: unknown) => e instanceof FeaturizationError && /Og/.test(e.message));
  const x = ElementProperty.fromPreset("magpie", { imputeNan: true }).featurize("OgF2");
  assert.ok(x.every(Number.isFinite));
});

test("unknown presets, properties and statistics are errors naming the valid ones", () => {
  assert.throws(() => ElementProperty.fromPreset("magpi" as "magpie"), DescriptorError);
  assert.throws(() => new ElementProperty({ features: ["Numbr"] }), /did you mean "Number"/);
  assert.throws(() => new ElementProperty({ stats: ["mean", "median" as "mean"] }), /Valid: minimum/);
});

test("a composition without a charge-balanced guess fails OxidationStates loudly", () => {
  assert.throws(() => new OxidationStates().featurize("Li2Ne"), FeaturizationError);
  assert.deepEqual(new IonProperty().featurize("Fe"), [1, 0, 0]);
});

test("featurizeMany returns a row-major Float64Array, drops bad rows and reports them", () => {
  const m = featurizeMany(["LiCoO2", "Xx2O", "Fe2O3", "Li-1"]);
  assert.equal(m.nCols, 132);
  assert.equal(m.nRows, 2);
  assert.ok(m.X instanceof Float64Array && m.X.length === 2 * 132);
  assert.deepEqual(Array.from(m.rowIndex), [0, 2]);
  assert.deepEqual(m.failures.map((f) => [f.row, f.formula, f.error]), [[1, "Xx2O", "FormulaError"], [3, "Li-1", "FormulaError"]]);
  assert.match(m.failures[0]!.reason, /column 1/);
  const fe2o3 = ElementProperty.fromPreset("magpie").featurize("Fe2O3");
  assert.deepEqual(Array.from(m.X.subarray(132, 264)), fe2o3);
});

test("featurizeMany with onFailure 'flag' keeps failed rows as NaN and still reports them", () => {
  const m = featurizeMany(["LiCoO2", "Xx2O"], [new Stoichiometry(), new ValenceOrbital()], { onFailure: "flag" });
  assert.equal(m.nRows, 2);
  assert.equal(m.nCols, 14);
  assert.ok(Number.isNaN(m.X[14]!));
  assert.equal(m.failures.length, 1);
  assert.throws(() => featurizeMany(["LiCoO2"], [new Stoichiometry(), new Stoichiometry()]), /same label/);
});

test("featurizeDataFrame adds feature columns to a danfojs DataFrame and reports failed rows", async () => {
  const dfd = await import("danfojs-node");
  const df = new dfd.DataFrame({ formula: ["LiCoO2", "NCM811", "Li-1", "LiFePO4"], voltage: [3.9, 3.8, 0, 3.4] });
  const { df: out, failures, labels } = featurizeDataFrame(df, "formula", [new Stoichiometry(), ElementProperty.fromPreset("magpie")]);
  assert.equal(labels.length, 138);
  assert.deepEqual(out.shape, [3, 2 + 138]);
  assert.deepEqual(out.column("formula").values, ["LiCoO2", "NCM811", "LiFePO4"]);
  assert.deepEqual(failures.map((f) => [f.row, f.index, f.formula]), [[2, 2, "Li-1"]]);
  assert.equal(out.column("MagpieData mean Number").values[0], ElementProperty.fromPreset("magpie").featurize("LiCoO2")[3]);

  const flagged = featurizeDataFrame(df, "formula", [new Stoichiometry()], { onFailure: "flag" });
  assert.deepEqual(flagged.df.shape, [4, 2 + 6 + 1]);
  const errs = flagged.df.column("featurize_error").values as string[];
  assert.equal(errs[0], "");
  assert.match(errs[2]!, /signed amounts/);
  assert.throws(() => featurizeDataFrame(df, "formul", [new Stoichiometry()]), /did you mean "formula"/);
});

test("featurizeDataFrame with its arguments in the wrong order or of the wrong type names the expected signature", async () => {
  const dfd = await import("danfojs-node");
  const df = new dfd.DataFrame({ formula: ["LiCoO2", "Fe2O3"] });
  const sig = /featurizeDataFrame\(df: DataFrame, column: string, featurizers\?: CompositionFeaturizer\[\], options\?\)/;
  const fails = (call: () => unknown, what: RegExp) =>
    assert.throws(call, (e: unknown) => e instanceof DescriptorError && sig.test(e.message) && what.test(e.message));
  // Column name first: this used to fail with "df.columns is not iterable".
  fails(() => featurizeDataFrame("formula" as never, df as never, [new Stoichiometry()]),
    /1st argument must be a danfojs DataFrame, got a string \("formula"\)\. It looks like the column name came first/);
  fails(() => featurizeDataFrame(df, [new Stoichiometry()] as never, "formula" as never),
    /2nd argument must be the name of the formula column \(a string\), got an array of 1 item\. It looks like the featurizers came before/);
  fails(() => featurizeDataFrame(df, "formula", new Stoichiometry() as never), /3rd argument must be an array of featurizers, got an object \(Stoichiometry\)\. Wrap a single featurizer/);
  fails(() => featurizeDataFrame(df, "formula", [new Stoichiometry(), "x"] as never), /featurizers\[1\] is a string \("x"\), not a featurizer/);
  assert.equal(featurizeDataFrame(df, "formula", [new Stoichiometry()]).labels.length, 6);
});
