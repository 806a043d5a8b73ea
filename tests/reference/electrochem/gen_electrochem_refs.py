"""Reference values for tests/unit/electrochem-*.test.ts, computed with pymatgen and scipy.

Run with Debian's python (python3-pymatgen 2022.11, python3-scipy) from the repository root:
    /usr/bin/python3 tests/reference/electrochem/gen_electrochem_refs.py
It reads the entry sets shipped in datasets/crystal-structures and writes electrochem_refs.json here.
"""
import gzip
import json
import os
import sys

import numpy as np
from pymatgen.analysis.phase_diagram import PhaseDiagram
from pymatgen.entries.computed_entries import ComputedEntry, ComputedStructureEntry
from scipy import stats
import pymatgen.core

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SRC = os.path.join(ROOT, "datasets", "crystal-structures")  # the shipped copies


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        raw = json.load(f)
    out = []
    for d in raw:
        cls = ComputedStructureEntry if d.get("@class") == "ComputedStructureEntry" else ComputedEntry
        out.append(cls.from_dict(d))
    return out


def hull_refs(entries):
    pd = PhaseDiagram(entries)
    rows = []
    for e in entries:
        rows.append({
            "id": e.entry_id,
            "energy_per_atom": e.energy_per_atom,
            "e_above_hull": pd.get_e_above_hull(e),
            "formation_energy_per_atom": pd.get_form_energy_per_atom(e),
        })
    stable = sorted(e.composition.reduced_formula for e in pd.stable_entries)
    return {"elements": sorted(str(el) for el in pd.elements), "entries": rows, "stable_formulas": stable}


def decomposition_refs(entries, formulas):
    pd = PhaseDiagram(entries)
    out = []
    for formula in formulas:
        comp = pymatgen.core.Composition(formula)
        decomp, e_hull = pd.get_decomp_and_e_above_hull(ComputedEntry(comp, 0.0), allow_negative=True)
        out.append({
            "formula": formula,
            "composition": {str(k): v for k, v in comp.get_el_amt_dict().items()},
            "hull_energy_per_atom": pd.get_hull_energy_per_atom(comp),
            "products": sorted([e.entry_id, amt] for e, amt in decomp.items()),
        })
    return out


def arrhenius_ref():
    # Synthetic check of the regression and the t-interval only (values chosen by hand, not a material).
    T = np.array([298.15, 323.15, 348.15, 373.15, 398.15, 423.15])
    sigma = np.array([1.1e-4, 2.9e-4, 6.3e-4, 1.35e-3, 2.4e-3, 4.4e-3])
    k = 8.617333262e-5
    res = stats.linregress(1 / T, np.log(sigma * T))
    t = stats.t.ppf(0.975, len(T) - 2)
    return {
        "T": T.tolist(), "sigma": sigma.tolist(),
        "Ea": -res.slope * k, "Ea_se": res.stderr * k, "Ea_ci95": [(-res.slope - t * res.stderr) * k, (-res.slope + t * res.stderr) * k],
        "lnA": res.intercept, "r2": res.rvalue ** 2,
        "t_quantiles": {str(dof): stats.t.ppf(0.975, dof) for dof in [1, 2, 4, 10, 30]},
    }


def main():
    li_fe_o = load(os.path.join(SRC, "mp_Li-Fe-O_entries", "Li-Fe-O.json.gz"))
    lfpo = load(os.path.join(SRC, "pymatgen_battery_entries", "Li-Fe-P-O_entries.json"))
    refs = {
        "generator": "tests/reference/electrochem/gen_electrochem_refs.py",
        "pymatgen": pymatgen.core.__version__,
        "li_fe_o": hull_refs(li_fe_o),
        "li_fe_p_o": hull_refs(lfpo),
        "li_fe_p_o_decompositions": decomposition_refs(lfpo, ["LiFePO4", "Li2FeP2O7", "Li3Fe2(PO4)3", "FePO4", "Li0.5FePO4", "LiFeO2P", "Li4P2O7Fe"]),
        "arrhenius": arrhenius_ref(),
    }
    with open(os.path.join(HERE, "electrochem_refs.json"), "w") as f:
        json.dump(refs, f, indent=1)
    print("wrote", os.path.join(HERE, "electrochem_refs.json"), file=sys.stderr)


if __name__ == "__main__":
    main()
