/**
 * Figures of simulation results (plotly JSON through battery-mi/plot's {@link linePlot}): voltage against
 * time or capacity for one or several solutions, and profiles through the cell at chosen times.
 */
import { linePlot } from "../plot/builders";
import type { Figure } from "../plot/figure";
import { Solution } from "./simulation";

/** Options of {@link plotVoltage}. */
export interface PlotVoltageOptions {
  /** Variable on the x axis (default "Discharge capacity [A.h]"; e.g. "Time [h]"). */
  x?: string;
  /** Variable on the y axis (default "Voltage [V]"). */
  y?: string;
  /** Legend names (default: each solution's model name). */
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
  const xName = opts.x ?? "Discharge capacity [A.h]";
  const yName = opts.y ?? "Voltage [V]";
  return linePlot({
    series: sols.map((s, i) => ({ x: s.get(xName), y: s.get(yName), name: opts.names?.[i] ?? s.model.name })),
    xTitle: xName,
    yTitle: yName,
    title: opts.title,
  });
}

/**
 * A profile variable through the cell (x in µm) at each of `times` [s] ({@link Solution.profilesAt}: the stored states
 * interpolated to that time; a time outside the solution throws). Needs a solution run with `saveStates` (the default).
 * Separator cells without the variable are left as gaps.
 *
 * @example
 * show(plotProfiles(sol, "Electrolyte concentration [mol.m-3]", [0, 600, 1800, 3000]));
 */
export function plotProfiles(solution: Solution, variable: string, times: number[], title?: string): Figure {
  if (times.length === 0) throw new Error("plotProfiles: give at least one time [s]");
  const series = times.map((t) => {
    const p = solution.profilesAt(t);
    const y = p[variable];
    const x = p["x [m]"];
    if (!y || !x) {
      const names = Object.keys(p).filter((k) => k !== "Time [s]" && k !== "x [m]");
      throw new Error(`plotProfiles: the ${solution.model.name} has no through-cell profile "${variable}". Profiles: ${names.join(", ")}`);
    }
    const keep: number[] = [];
    for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) keep.push(i);
    return { x: keep.map((i) => x[i] * 1e6), y: keep.map((i) => y[i]), name: `t = ${p["Time [s]"][0].toFixed(0)} s` };
  });
  return linePlot({ series, xTitle: "x [µm]", yTitle: variable, title });
}
