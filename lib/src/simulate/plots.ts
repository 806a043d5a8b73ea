/**
 * Figures of simulation results (plotly JSON through battery-mi/plot's {@link linePlot}): voltage against
 * time or capacity for one or several solutions, and profiles (through the cell or along a particle's radius) at
 * chosen times.
 */
import { linePlot } from "../plot/builders";
import type { Figure } from "../plot/figure";
import { Solution } from "./simulation";
import { ProfileCoordinate, ProfileLayout, profileLayout } from "./models";
import { editDistance, nearestNames } from "./parameters";

/** Options of {@link plotVoltage}. */
export interface PlotVoltageOptions {
  /** Variable on the x axis (default "Discharge capacity [A.h]"; e.g. "Time [h]"). */
  x?: string;
  /** Variable on the y axis (default "Voltage [V]"). */
  y?: string;
  /** Legend names (default: each solution's model name; where two would be alike, with its first step's description, then its position). */
  names?: string[];
  /** Figure title. */
  title?: string;
}

/**
 * Voltage (or any variable) against capacity or time for one or more solutions.
 *
 * @example
 * show(plotVoltage([solSpm, solDfn], { x: "Time [h]" }));
 */
export function plotVoltage(solutions: Solution | Solution[], opts: PlotVoltageOptions = {}): Figure {
  const sols = Array.isArray(solutions) ? solutions : [solutions];
  if (sols.length === 0) throw new Error("plotVoltage: give at least one Solution");
  sols.forEach((s, i) => {
    // a missing entry (e.g. sweep[key][cRates.indexOf(c)] for a rate not in the sweep) would fail as "reading 'get'"
    if (!(s instanceof Solution)) throw new Error(`plotVoltage: entry ${i + 1} of ${sols.length} is ${s === null ? "null" : typeof s}, not a Solution from simulate()`);
  });
  const xName = opts.x ?? "Discharge capacity [A.h]";
  const yName = opts.y ?? "Voltage [V]";
  const names = uniqueLabels(sols.map((s, i) => [s.model.name, `${s.model.name}: ${s.stepLog[0]?.description ?? "no steps"}`, `${s.model.name} #${i + 1}`]));
  return linePlot({
    // a one-point solution (a step that ended at its start) shows as a marker: a line of one point draws nothing
    series: sols.map((s, i) => ({ x: s.get(xName), y: s.get(yName), name: opts.names?.[i] ?? names[i], ...(s.length < 2 ? { markers: true } : {}) })),
    xTitle: xName,
    yTitle: yName,
    title: opts.title,
  });
}

/** The x-axis title of a profile on each coordinate (the coordinates are plotted in µm). */
const AXIS_TITLES: Readonly<Record<ProfileCoordinate, string>> = {
  "x [m]": "x [µm]",
  "r_n [m]": "r [µm], negative particle (centre to surface)",
  "r_p [m]": "r [µm], positive particle (centre to surface)",
};

/**
 * A profile variable at each of `times` [s] ({@link Solution.profilesAt}: the stored states interpolated to that time;
 * a time outside the solution throws), against its coordinate in µm: through-cell variables ("Electrolyte
 * concentration [mol.m-3]", the DFN's "Electrode potential [V]", …) against x, radial ones (the particle
 * concentrations, "X-averaged negative particle concentration [mol.m-3]", …) against r from the particle's centre to
 * its surface (r_n or r_p). Needs a solution run with `saveStates` (the default). Positions without the variable (the
 * separator's cells for electrode variables) are left as gaps.
 *
 * @example
 * show(plotProfiles(sol, "Electrolyte concentration [mol.m-3]", [0, 600, 1800, 3000]));
 * show(plotProfiles(sol, "X-averaged negative particle concentration [mol.m-3]", [0, 1800]));
 * @throws Error for a name that is not a profile of the solution's model (the message lists its radial and
 *   through-cell profiles), and for a profile whose length matches no coordinate
 */
export function plotProfiles(solution: Solution, variable: string, times: number[], title?: string): Figure {
  if (times.length === 0) throw new Error("plotProfiles: give at least one time [s]");
  const profiles = times.map((t) => solution.profilesAt(t));
  const layout = profileLayout(profiles[0]);
  const axis = layout.coordinate[variable];
  if (!axis) throw new Error(notAProfile(solution, variable, layout));
  // legend times with as many decimals as it takes to tell them apart (0.4 s and 0 s were both "t = 0 s")
  const labels = uniqueLabels(profiles.map((p) => [0, 1, 2, 3].map((d) => `t = ${p["Time [s]"][0].toFixed(d)} s`)));
  const series = profiles.map((p, k) => {
    const y = p[variable];
    const x = p[axis];
    // positions without the variable (the separator, for an electrode variable) stay NaN: gaps in the line, which
    // otherwise joined the two electrodes straight across the separator
    return { x: Array.from(x, (v) => v * 1e6), y: Array.from(y, (v) => (Number.isFinite(v) ? v : NaN)), name: labels[k], ...(y.length < 2 ? { markers: true } : {}) };
  });
  return linePlot({ series, xTitle: AXIS_TITLES[axis], yTitle: variable, title, allowGaps: true });
}

/**
 * One label per entry: the first of its candidates (from the shortest) that no other entry shares at that level,
 * else its last candidate.
 */
function uniqueLabels(candidates: string[][]): string[] {
  return candidates.map((cands, i) => {
    for (let level = 0; level < cands.length; level++) {
      const mine = cands[level];
      if (candidates.every((other, j) => j === i || (other[Math.min(level, other.length - 1)] ?? "") !== mine)) return mine;
    }
    return cands[cands.length - 1];
  });
}

/** Why `variable` cannot be plotted as a profile of `solution`, listing the names that can (radial and through-cell). */
function notAProfile(solution: Solution, variable: string, layout: ProfileLayout): string {
  const model = solution.model.name;
  const list = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(", ");
  const accepted =
    (layout.throughCell.length > 0
      ? `Through-cell profiles (plotted against x [µm]): ${list(layout.throughCell)}`
      : `The ${model} has no through-cell profiles${model === "SPM" ? " (the SPMe and DFN resolve the cell's thickness)" : ""}`) +
    `; ${layout.radial.length > 0 ? `radial profiles (plotted against r [µm]): ${list(layout.radial)}` : "no radial profiles"}.`;
  let why: string;
  if (variable in layout.unplaced) why = `the ${model}'s profile "${variable}" cannot be plotted: ${layout.unplaced[variable]}.`;
  else if (variable === "x [m]" || variable === "r_n [m]" || variable === "r_p [m]") why = `"${variable}" is the coordinate profiles are plotted against, not a profile.`;
  else if (solution.variableNames().includes(variable)) why = `"${variable}" is a variable over time, not a profile: plot it with plotVoltage(sol, { y: "${variable}", x: "Time [h]" }).`;
  else {
    const close = closeNames(variable, [...layout.throughCell, ...layout.radial]);
    why = `the ${model} has no profile "${variable}".${close.length > 0 ? ` Did you mean: ${list(close)}?` : ""}`;
  }
  return `plotProfiles: ${why} ${accepted}`;
}

/**
 * Names worth suggesting for a misspelt `name`: those containing it (case aside, without its units: "Electrolyte
 * concentration"), else the nearest ones if they are near (a few edits), else none — a far name only misleads.
 */
function closeNames(name: string, names: readonly string[]): string[] {
  const bare = name.replace(/\s*\[[^\]]*\]\s*$/, "").trim().toLowerCase();
  const containing = bare === "" ? [] : names.filter((n) => n.toLowerCase().includes(bare));
  if (containing.length > 0) return containing.slice(0, 3);
  return nearestNames(name, names).filter((n) => editDistance(name, n) <= Math.max(3, 0.25 * name.length));
}
