import { test } from "node:test";
import assert from "node:assert/strict";
import { element, elements, MAGPIE_PROPERTIES, MissingElementDataError, UnknownElementError } from "../../lib/src/descriptors";

test("the periodic table has 118 elements in order of atomic number", () => {
  const all = elements();
  assert.equal(all.length, 118);
  all.forEach((e, i) => assert.equal(e.Z, i + 1));
  assert.equal(element(3).symbol, "Li");
});

test("Li carries pymatgen's mass, Pauling electronegativity, row, group and block", () => {
  const li = element("Li");
  assert.equal(li.name, "Lithium");
  assert.equal(li.atomicMass, 6.941);
  assert.equal(li.electronegativity, 0.98);
  assert.deepEqual([li.row, li.group, li.block], [2, 1, "s"]);
  assert.deepEqual([element("Co").row, element("Co").group, element("Co").block], [4, 9, "d"]);
  assert.deepEqual([element("La").group, element("Ce").block, element("Lu").block], [3, "f", "d"]);
  assert.deepEqual([element("O").group, element("O").block], [16, "p"]);
});

test("Shannon ionic radii match the chapter: Li+ 0.76 Å and Na+ 1.02 Å in octahedral coordination", () => {
  assert.equal(element("Li").ionicRadius(1, "VI"), 0.76);
  assert.equal(element("Na").ionicRadius(1, "VI"), 1.02);
  assert.equal(element("Li").ionicRadius(1, 6), 0.76);
  assert.equal(element("Li").crystalRadius(1, "VI"), 0.9);
});

test("Co3+ in VI needs a spin state: low spin 0.545 Å, high spin 0.61 Å", () => {
  assert.equal(element("Co").ionicRadius(3, "VI", { spin: "low" }), 0.545);
  assert.equal(element("Co").ionicRadius(3, "VI", { spin: "HS" }), 0.61);
  assert.throws(() => element("Co").ionicRadius(3, "VI"), (e: unknown) => e instanceof MissingElementDataError && /spin/.test(e.message));
});

test("a Shannon radius that does not exist is an error listing what exists", () => {
  assert.throws(
    () => element("Co").ionicRadius(3, "IV"),
    (e: unknown) => e instanceof MissingElementDataError && /available coordinations: VI/.test(e.message),
  );
  assert.throws(() => element("Li").ionicRadius(2, "VI"), /available for Li: 1\+ IV/);
});

test("oxidation states: common, ICSD and all lists come from pymatgen", () => {
  assert.deepEqual([...element("Co").commonOxidationStates], [2, 3]);
  assert.deepEqual([...element("Co").icsdOxidationStates], [1, 2, 3, 4]);
  assert.ok(element("Mn").oxidationStates.includes(7));
});

test("every Magpie table is exposed; Fe has Number 26 and MendeleevNumber from Magpie", () => {
  assert.ok(MAGPIE_PROPERTIES.length >= 60);
  for (const p of ["Number", "MendeleevNumber", "GSvolume_pa", "NValence", "CovalentRadius", "HHIp"]) assert.ok(MAGPIE_PROPERTIES.includes(p), p);
  const fe = element("Fe");
  assert.equal(fe.magpie.Number, 26);
  assert.equal(fe.magpieValue("Number"), 26);
  assert.equal(typeof fe.magpie.MendeleevNumber, "number");
  assert.deepEqual(fe.magpieOxidationStates, [2, 3]);
});

test("a missing Magpie value throws instead of returning NaN", () => {
  assert.equal(element("Og").magpie.GSvolume_pa, null);
  assert.throws(() => element("Og").magpieValue("GSvolume_pa"), MissingElementDataError);
  assert.throws(() => element("Fe").magpieValue("Numbr"), /did you mean "Number"/);
});

test("an unknown symbol raises UnknownElementError suggesting the nearest symbols", () => {
  assert.throws(() => element("CO"), (e: unknown) => e instanceof UnknownElementError && e.suggestions[0] === "Co");
  assert.throws(() => element("cobalt"), (e: unknown) => e instanceof UnknownElementError && e.suggestions.includes("Co"));
  assert.throws(() => element("Xx"), UnknownElementError);
  assert.throws(() => element(0), UnknownElementError);
});

test("transition-metal and metal classification follows pymatgen", () => {
  assert.ok(element("Ni").isTransitionMetal && !element("Al").isTransitionMetal);
  assert.ok(element("Al").isMetal && element("Li").isAlkali && !element("P").isMetal);
});
