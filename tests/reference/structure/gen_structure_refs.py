#!/usr/bin/python3
"""Reference values for tests/unit/structure-*.test.ts, computed with pymatgen (Debian python3-pymatgen 2022.11)
and scipy. Run with /usr/bin/python3 from the repository root or this folder:

    /usr/bin/python3 tests/reference/structure/gen_structure_refs.py

Writes structure_refs.json beside this script. Inputs: datasets/crystal-structures/canonical/*.cif
and datasets/solid-electrolyte-conductivity/obelix_cifs/*.cif (the shipped copies, relative to the repository
root). Takes about a minute (pymatgen parses the 321 OBELiX CIFs)."""
import json, math, os, sys, warnings
import numpy as np
import pymatgen
from pymatgen.core import Structure
from pymatgen.analysis.local_env import VoronoiNN
from scipy.spatial import ConvexHull

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CANON = os.path.join(REPO, "datasets", "crystal-structures", "canonical")

CUTOFF = 3.0  # Å, CN-by-cutoff reference (all neighbours)
# (centre element, ligand element, cutoff Å) for bond lengths / polyhedra per file
BONDS = {
    "LiCoO2_R-3m_pymatgen-test.cif": [("Co", "O", 2.5), ("Li", "O", 2.5)],
    "LiCoO2_R-3m_MP-DFT-relaxed_from_LiCoO2_batt.cif": [("Co", "O", 2.5), ("Li", "O", 2.5)],
    "CoO2_R-3m_MP-DFT-relaxed_from_LiCoO2_batt.cif": [("Co", "O", 2.5)],
    "LiFePO4_olivine_Pnma.cif": [("Fe", "O", 2.6), ("P", "O", 1.8), ("Li", "O", 2.5)],
    "FePO4_olivine_Pnma.cif": [("Fe", "O", 2.6), ("P", "O", 1.8)],
    "LiMn2O4_spinel_Fd-3m_expandedP1.cif": [("Mn", "O", 2.5), ("Li", "O", 2.5)],
    "LiMn2O4_Imma_pymatgen-test.cif": [("Mn", "O", 2.6)],
    "Li10GeP2S12_LGPS.cif": [("P", "S", 2.5)],
    "Li7La3Zr2O12_tetragonal_obelix-wyu.cif": [("Zr", "O", 2.5)],
    "Li7La3Zr2O12_cubic_obelix-etz.cif": [("Zr", "O", 2.5)],
    "Li3PS4_Pnma_obelix-nhq.cif": [("P", "S", 2.5)],
    "Li6PS5Cl_argyrodite_obelix-122.cif": [("P", "S", 2.5)],
    "Li_bcc.cif": [],
}
VORONOI_MAX_SITES = 80  # pymatgen's VoronoiNN is slow on the 192/256-site garnets


def robinson(center, ligands):
    """Baur distortion index, Robinson quadratic elongation and polyhedron volume (scipy ConvexHull)."""
    v = np.array(ligands) - np.array(center)
    d = np.linalg.norm(v, axis=1)
    baur = float(np.mean(np.abs(d - d.mean()) / d.mean()))
    vol = float(ConvexHull(np.array(ligands)).volume)
    n = len(ligands)
    if n == 6:
        l0 = (3 * vol / 4) ** (1 / 3)
    elif n == 4:
        l0 = (9 * math.sqrt(3) * vol / 8) ** (1 / 3)
    else:
        return baur, None, vol
    return baur, float(np.mean((d / l0) ** 2)), vol


def species_dict(site):
    return {str(el.symbol): float(occ) for el, occ in site.species.items()}


def main():
    out = {"generator": "tests/reference/structure/gen_structure_refs.py", "pymatgen": pymatgen.core.__version__ if hasattr(pymatgen.core, "__version__") else "2022.11",
           "cutoff": CUTOFF, "structures": {}}
    for fname in sorted(os.listdir(CANON)):
        path = os.path.join(CANON, fname)
        try:
            s = Structure.from_file(path)  # primitive=False: the full conventional cell as written
        except Exception as e:  # noqa
            out["structures"][fname] = {"error": str(e)}
            continue
        rec = {
            "nsites": len(s),
            "abc": list(s.lattice.abc), "angles": list(s.lattice.angles), "volume": s.volume,
            "matrix": s.lattice.matrix.tolist(), "density": float(s.density),
            "composition": {str(k): float(v) for k, v in s.composition.items()},
            "ordered": s.is_ordered,
            "sites": [{"frac": site.frac_coords.tolist(), "species": species_dict(site)} for site in s],
        }
        nbrs = s.get_all_neighbors(CUTOFF)
        rec["cnCutoff"] = [len(n) for n in nbrs]
        rec["neighborDistances"] = [sorted(round(float(x.nn_distance), 10) for x in n) for n in nbrs]
        bonds = []
        for (cen, lig, rc) in BONDS.get(fname, []):
            per_site = []
            allnb = s.get_all_neighbors(rc)
            for i, site in enumerate(s):
                if cen not in species_dict(site):
                    continue
                ligs = [nb for nb in allnb[i] if lig in species_dict(nb)]
                dists = sorted(float(nb.nn_distance) for nb in ligs)
                entry = {"site": i, "distances": dists}
                if len(ligs) in (4, 6):
                    b, q, vol = robinson(site.coords, [nb.coords for nb in ligs])
                    entry.update({"baur": b, "quadraticElongation": q, "polyhedronVolume": vol})
                per_site.append(entry)
            alld = [d for e in per_site for d in e["distances"]]
            bonds.append({"center": cen, "ligand": lig, "cutoff": rc, "sites": per_site,
                          "mean": float(np.mean(alld)) if alld else None})
        rec["bonds"] = bonds
        if len(s) <= VORONOI_MAX_SITES:
            vnn = VoronoiNN(tol=0, cutoff=13.0)
            polys = vnn.get_all_voronoi_polyhedra(s)
            eff, cnHalf, nfaces = [], [], []
            for i in range(len(s)):
                w = [p["solid_angle"] for p in polys[i].values()]
                mx = max(w)
                eff.append(float(sum(x / mx for x in w)))
                cnHalf.append(int(sum(1 for x in w if x / mx > 0.5)))
                nfaces.append(len(w))
            rec["voronoi"] = {"effectiveCN": eff, "cnTol05": cnHalf, "faces": nfaces}
            # cross-check one site through pymatgen's public get_cn
            if s.is_ordered:
                rec["voronoi"]["getCnSite0Weighted"] = float(VoronoiNN(tol=0, cutoff=13.0).get_cn(s, 0, use_weights=True))
        if s.is_ordered:
            rad = sum(site.specie.atomic_radius ** 3 for site in s)
            rec["densityFeatures"] = {"density": float(s.density), "vpa": s.volume / len(s),
                                      "packingFraction": float(4 * math.pi * rad / (3 * s.volume))}
        out["structures"][fname] = rec
        print(fname, len(s), file=sys.stderr)

    def per(fname, el):
        r = out["structures"][fname]
        return r["volume"] / r["composition"][el]
    vc = {}
    for (ch, dis, el) in [("CoO2_R-3m_MP-DFT-relaxed_from_LiCoO2_batt.cif", "LiCoO2_R-3m_MP-DFT-relaxed_from_LiCoO2_batt.cif", "Co"),
                          ("FePO4_olivine_Pnma.cif", "LiFePO4_olivine_Pnma.cif", "Fe")]:
        vch, vdis = per(ch, el), per(dis, el)
        vc[f"{ch}|{dis}"] = {"normalizeBy": el, "vChargedPerFu": vch, "vDischargedPerFu": vdis, "deltaVPercent": (vch - vdis) / vdis * 100}
    out["volumeChange"] = vc
    # OBELiX: number of sites and of neighbour pairs within CUTOFF for every CIF (pymatgen CifParser, conventional cell)
    obx = os.path.join(REPO, "datasets", "solid-electrolyte-conductivity", "obelix_cifs")
    ob = {}
    for fname in sorted(os.listdir(obx)):
        if not fname.endswith(".cif"):
            continue
        try:
            s = Structure.from_file(os.path.join(obx, fname))
            ob[fname] = {"nsites": len(s), "pairs": int(sum(len(n) for n in s.get_all_neighbors(CUTOFF))),
                         "natoms": float(s.composition.num_atoms), "ordered": s.is_ordered}
        except Exception as e:  # noqa
            ob[fname] = {"error": str(e)}
    out["obelix"] = ob
    with open(os.path.join(HERE, "structure_refs.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
