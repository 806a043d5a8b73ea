#!/usr/bin/python3
"""Reference values for battery-mi/descriptors, computed with pymatgen (Debian python3-pymatgen 2022.11).

Run:  /usr/bin/python3 tests/reference/descriptors/gen_composition_refs.py
Writes composition_refs.json beside this script (committed, so the tests run without Python).

Per formula: molar mass (Composition.weight), reduced formula, chemical system, atomic and weight
fractions, and the first oxidation-state guess (Composition.oxi_state_guesses). Non-integer formulas are
first scaled to the smallest integer formula with monty's gcd_float (tol 1/10000), the rule of
pymatgen's get_integer_formula_and_factor, because pymatgen refuses non-integer amounts.

matminer is not installed here, so the composition featurizers are computed below from the Magpie tables
exactly the way matminer 0.9 does it (ElementProperty + PropertyStats, Stoichiometry, ValenceOrbital,
OxidationStates, IonProperty with PymatgenData), reading the same .table files matminer ships.
"""
import csv
import itertools
import json
import math
import os
import sys

import numpy as np
from monty.fractions import gcd_float
from pymatgen.core import Composition, Element

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "..", "..", "datasets"))  # the shipped copies
MAGPIE_DIR = os.path.join(SRC, "elemental-properties", "magpie_elementdata")

# Formulas the parser must handle that pymatgen cannot parse itself: (our input, pymatgen equivalent).
SPECIAL = [
    ("LiNi0.8Co0.1Mn0.1O2", None), ("Li7La3Zr2O12", None), ("Li1.2Mn0.54Ni0.13Co0.13O2", None),
    ("(Li0.5La0.5)TiO3", None), ("Li10Ge(PS6)2", None), ("Li6PS5Cl", None),
    ("Na2SO4·10H2O", "Na2SO4(H2O)10"), ("Na2SO4.10H2O", "Na2SO4(H2O)10"), ("CuSO4*5H2O", "CuSO4(H2O)5"),
    ("NCM622", "LiNi0.6Co0.2Mn0.2O2"), ("NCM811", "LiNi0.8Co0.1Mn0.1O2"), ("NCM523", "LiNi0.5Co0.2Mn0.3O2"),
    ("NCA", "LiNi0.8Co0.15Al0.05O2"), ("LiCoO2", None), ("LiFePO4", None), ("LiMn2O4", None),
    ("Li4Ti5O12", None), ("Fe2O3", None), ("Fe3O4", None), ("Li3Fe2(PO4)3", None), ("Li[Ni0.5Mn1.5]O4", "Li(Ni0.5Mn1.5)O4"),
    ("Li3PS4", None), ("LiNi0.8Co0.1Mn0.08Al0.02O2", None), ("Na3V2(PO4)2F3", None), ("Li2MnO3", None),
]


def mp_formulas(n=60):
    """Every k-th Li discharge formula of the MP insertion-electrode export (deterministic)."""
    rows = list(csv.DictReader(open(os.path.join(SRC, "mp-insertion-electrodes", "mp_batteries_2024.csv"))))
    li = sorted({r["Formula Discharge"] for r in rows if r["Working Ion"] == "Li"})
    step = max(1, len(li) // n)
    return li[::step][:n]


def load_magpie():
    props = {}
    for fn in sorted(os.listdir(MAGPIE_DIR)):
        if not fn.endswith(".table"):
            continue
        name = fn[: -len(".table")]
        lines = open(os.path.join(MAGPIE_DIR, fn)).readlines()
        vals = {}
        for z in range(1, 119):  # matminer: for atomic_no in range(1, len(_pt_data) + 1)
            try:
                if name in ("OxidationStates", "IonizationEnergies"):
                    v = [float(i) for i in lines[z - 1].split()]
                else:
                    v = float(lines[z - 1])
            except (ValueError, IndexError):
                v = float("nan")
            vals[Element.from_Z(z).symbol] = v
        props[name] = vals
    return props


MAGPIE = load_magpie()
PRESET = ["Number", "MendeleevNumber", "AtomicWeight", "MeltingT", "Column", "Row", "CovalentRadius",
          "Electronegativity", "NsValence", "NpValence", "NdValence", "NfValence", "NValence", "NsUnfilled",
          "NpUnfilled", "NdUnfilled", "NfUnfilled", "NUnfilled", "GSvolume_pa", "GSbandgap", "GSmagmom",
          "SpaceGroupNumber"]
STATS = ["minimum", "maximum", "range", "mean", "avg_dev", "mode"]


# --- matminer PropertyStats (matminer/featurizers/utils/stats.py) ---
def st_minimum(d, w): return min(d) if not np.any(np.isnan(d)) else float("nan")
def st_maximum(d, w): return max(d) if not np.any(np.isnan(d)) else float("nan")
def st_range(d, w): return (max(d) - min(d)) if not np.any(np.isnan(d)) else float("nan")
def st_mean(d, w): return np.average(d, weights=w)
def st_avg_dev(d, w):
    m = st_mean(d, w)
    return np.average(np.abs(np.subtract(d, m)), weights=w)
def st_mode(d, w):
    d = np.array(d); w = np.array(w)
    return d[np.isclose(w, w.max())].min()
def st_std_dev(d, w):
    if len(d) == 1:
        return 0
    beta = np.sum(w) / (np.sum(w) ** 2 - np.sum(np.power(w, 2)))
    dev = np.power(np.subtract(d, st_mean(d, w)), 2)
    return np.sqrt(beta * np.dot(dev, w))
STAT_FN = {"minimum": st_minimum, "maximum": st_maximum, "range": st_range, "mean": st_mean,
           "avg_dev": st_avg_dev, "mode": st_mode, "std_dev": st_std_dev}


def magpie_features(comp):
    els, fr = zip(*comp.element_composition.items())
    out = []
    for attr in PRESET:
        data = [MAGPIE[attr][e.symbol] for e in els]
        for s in STATS:
            out.append(float(STAT_FN[s](data, fr)))
    return out


def stoichiometry(comp, p_list=(0, 2, 3, 5, 7, 10)):
    el_amt = comp.get_el_amt_dict()
    n = comp.num_atoms
    out = []
    for p in p_list:
        if p == 0:
            out.append(len(el_amt))
        else:
            s = 0
            for j in el_amt.values():
                s += (j / n) ** p
            out.append(s ** (1.0 / p))
    return out


def valence_orbital(comp):
    els, fr = zip(*comp.element_composition.items())
    avg = [st_mean([MAGPIE[f"N{o}Valence"][e.symbol] for e in els], fr) for o in "spdf"]
    tot = st_mean([MAGPIE["NValence"][e.symbol] for e in els], fr)
    return [float(a) for a in avg] + [float(a / tot) for a in avg]


def integer_comp(comp):
    if all(amt == int(amt) for amt in comp.values()):
        return comp
    el_amt = comp.get_el_amt_dict()
    g = gcd_float(list(el_amt.values()), 1 / 10000)
    return Composition({k: round(v / g) for k, v in el_amt.items()})


def ion_property(comp):
    els, fr = zip(*comp.element_composition.items())
    if len(els) < 2:
        return [1, 0, 0]
    elec = [e.X for e in els]
    override = {e.symbol: list(e.common_oxidation_states) for e in els}
    possible = len(integer_comp(comp).oxi_state_guesses(oxi_states_override=override)) > 0
    ef = list(np.true_divide(fr, sum(fr)))
    ic = []
    avg = 0
    for i, j in itertools.combinations(range(len(els)), 2):
        ic.append(1.0 - np.exp(-0.25 * ((elec[i] - elec[j]) ** 2)))
        avg += ef[i] * ef[j] * ic[-1]
    return [1 if possible else 0, float(np.max(ic)), float(avg)]


def oxidation_stats(comp, guess):
    if guess is None:
        return None
    els, fr = zip(*comp.element_composition.items())
    states = [guess[e.symbol] for e in els]
    return [float(STAT_FN[s](states, fr)) for s in ["minimum", "maximum", "range", "std_dev"]]


def main():
    cases = list(SPECIAL) + [(f, None) for f in mp_formulas()]
    seen = set()
    out = []
    for ours, pmg in cases:
        if ours in seen:
            continue
        seen.add(ours)
        comp = Composition(pmg or ours)
        guesses = integer_comp(comp).oxi_state_guesses()
        g0 = {k: float(v) for k, v in guesses[0].items()} if guesses else None
        out.append({
            "formula": ours,
            "pymatgen_input": pmg or ours,
            "molar_mass": float(comp.weight),
            "reduced_formula": comp.reduced_formula,
            "chemical_system": comp.chemical_system,
            "num_atoms": float(comp.num_atoms),
            "elements": [e.symbol for e in comp.elements],
            "atomic_fractions": {e.symbol: float(comp.get_atomic_fraction(e)) for e in comp.elements},
            "weight_fractions": {e.symbol: float(comp.get_wt_fraction(e)) for e in comp.elements},
            "n_oxi_guesses": len(guesses),
            "oxi_guess": g0,
            "magpie": magpie_features(comp),
            "stoichiometry": stoichiometry(comp),
            "valence_orbital": valence_orbital(comp),
            "ion_property": ion_property(comp),
            "oxidation_states": oxidation_stats(comp, g0),
        })
    labels = [f"MagpieData {s} {a}" for a in PRESET for s in STATS]
    doc = {
        "generator": "tests/reference/descriptors/gen_composition_refs.py",
        "pymatgen_version": __import__("pymatgen.core").core.__version__,
        "python": sys.version.split()[0],
        "magpie_labels": labels,
        "cases": out,
    }
    path = os.path.join(HERE, "composition_refs.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
    print(f"wrote {path}: {len(out)} formulas")


if __name__ == "__main__":
    main()
