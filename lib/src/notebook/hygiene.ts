/**
 * Hygiene rules for the course notebooks as committed (docs/DESIGN.md §3): nbformat 4.5 with valid unique
 * cell ids, the tslab/TypeScript kernelspec, no outputs, and nbgrader metadata that nbgrader accepts.
 */
import { joinSource, type Cell, type Notebook } from "./nbformat";

/** One problem found by {@link checkNotebookHygiene}. */
export interface HygieneProblem {
  /** The notebook file. */
  path: string;
  /** Index of the cell in `cells` (0-based), absent for notebook-level problems. */
  cellIndex?: number;
  /** The cell's id when it has a usable one. */
  cellId?: string;
  /** What is wrong and what would be valid. */
  message: string;
}

/** nbformat's cell id rule (nbformat 4.5 schema): 1–64 characters from [a-zA-Z0-9-_]. */
export const CELL_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** The kernelspec name every course notebook declares. */
export const EXPECTED_KERNEL = { name: "tslab", language: "typescript" } as const;

/** The exercise-cell tags of docs/DESIGN.md §3 and the nbgrader roles they stand for. */
const ROLE_TAGS = ["solution", "tests", "answer"] as const;
type Role = (typeof ROLE_TAGS)[number];

/** Checks that `// BEGIN <what>` / `// END <what>` markers come in balanced, non-nested pairs. */
function markerProblems(source: string, what: string): string[] {
  const problems: string[] = [];
  const re = new RegExp(`^\\s*(?://|#)\\s*(BEGIN|END) ${what}\\s*$`, "gm");
  let open = false;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source)) !== null) {
    const line = source.slice(0, m.index).split("\n").length;
    if (m[1] === "BEGIN") {
      if (open) problems.push(`"// BEGIN ${what}" on line ${line} opens a second block before the first "// END ${what}"`);
      open = true;
    } else {
      if (!open) problems.push(`"// END ${what}" on line ${line} has no "// BEGIN ${what}" before it`);
      open = false;
    }
  }
  if (open) problems.push(`"// BEGIN ${what}" is never closed by "// END ${what}"`);
  return problems;
}

function hasMarker(source: string, what: string): boolean {
  return new RegExp(`^\\s*(?://|#)\\s*(BEGIN|END) ${what}\\s*$`, "m").test(source);
}

/** The role docs/DESIGN.md §3 gives an nbgrader metadata combination, or null for read-only/other cells. */
function roleOf(grade: unknown, solution: unknown): Role | null {
  if (grade === false && solution === true) return "solution";
  if (grade === true && solution === false) return "tests";
  if (grade === true && solution === true) return "answer";
  return null;
}

/**
 * Checks a notebook against the project's conventions and returns every problem found (an empty list
 * when it is clean). Rules:
 * - `nbformat` 4 with `nbformat_minor` ≥ 5;
 * - every cell has an id of 1–64 characters from [a-zA-Z0-9-_], unique in the notebook;
 * - `metadata.kernelspec` is name "tslab", language "typescript";
 * - code cells carry no outputs and `execution_count` null;
 * - `metadata.nbgrader`, where present: `schema_version` 3; `grade`, `solution`, `locked` booleans;
 *   `grade_id` a non-empty string unique in the notebook; grade cells have `points` > 0; solution cells
 *   are not locked, contain balanced `// BEGIN SOLUTION` / `// END SOLUTION` (code cells) and are tagged
 *   "solution" with `jupyter.source_hidden`; test cells are locked and tagged "tests"; answer cells
 *   (grade and solution) are tagged "answer"; `// BEGIN HIDDEN TESTS` markers are balanced;
 * - the tags "solution", "tests", "answer" appear only on cells whose nbgrader metadata has that role,
 *   and solution markers appear only in solution cells.
 *
 * @example
 * ```ts
 * const problems = checkNotebookHygiene(readNotebook(file), file);
 * for (const p of problems) console.log(formatHygieneProblem(p));
 * ```
 * @param nb - the notebook (as read by `readNotebook`)
 * @param path - the file name used in the problems
 */
export function checkNotebookHygiene(nb: Notebook, path: string): HygieneProblem[] {
  const problems: HygieneProblem[] = [];
  const add = (message: string, cellIndex?: number, cellId?: string) => {
    const p: HygieneProblem = { path, message };
    if (cellIndex !== undefined) p.cellIndex = cellIndex;
    if (cellId !== undefined) p.cellId = cellId;
    problems.push(p);
  };

  if (nb.nbformat !== 4 || typeof nb.nbformat_minor !== "number" || nb.nbformat_minor < 5) {
    add(`nbformat is ${nb.nbformat}.${nb.nbformat_minor}; expected 4.5 or later (4.5 introduced cell ids)`);
  }
  const ks = nb.metadata?.kernelspec;
  if (!ks) {
    add(`metadata.kernelspec is missing; expected {"name": "${EXPECTED_KERNEL.name}", "language": "${EXPECTED_KERNEL.language}", "display_name": "TypeScript"}`);
  } else {
    if (ks.name !== EXPECTED_KERNEL.name) add(`metadata.kernelspec.name is ${JSON.stringify(ks.name)}; expected "${EXPECTED_KERNEL.name}"`);
    if (ks.language !== EXPECTED_KERNEL.language) add(`metadata.kernelspec.language is ${JSON.stringify(ks.language)}; expected "${EXPECTED_KERNEL.language}"`);
  }

  const ids = new Map<string, number>();
  const gradeIds = new Map<string, number>();
  nb.cells.forEach((cell: Cell, i) => {
    const id = typeof cell.id === "string" && CELL_ID_PATTERN.test(cell.id) ? cell.id : undefined;
    const here = (message: string) => add(message, i, id);
    if (cell.id === undefined) here(`cell has no id; nbformat 4.5 needs one (1–64 characters of [a-zA-Z0-9-_])`);
    else if (id === undefined) here(`cell id ${JSON.stringify(cell.id)} is invalid; ids are 1–64 characters of [a-zA-Z0-9-_]`);
    else if (ids.has(id)) here(`cell id "${id}" is also used by cell ${ids.get(id)}; ids must be unique`);
    else ids.set(id, i);

    if (cell.cell_type === "code") {
      if (Array.isArray(cell.outputs) && cell.outputs.length > 0) here(`code cell has ${cell.outputs.length} output(s) committed; notebooks are committed without outputs`);
      if (cell.execution_count !== null && cell.execution_count !== undefined) here(`code cell has execution_count ${cell.execution_count} committed; expected null`);
    }

    const source = joinSource(cell.source);
    const tags = Array.isArray(cell.metadata?.tags) ? cell.metadata.tags : [];
    const nbg = cell.metadata?.nbgrader;
    let role: Role | null = null;
    if (nbg !== undefined) {
      if (typeof nbg !== "object" || nbg === null) {
        here(`metadata.nbgrader must be an object`);
      } else {
        if (nbg.schema_version !== 3) here(`nbgrader schema_version is ${JSON.stringify(nbg.schema_version)}; expected 3`);
        for (const key of ["grade", "solution", "locked"] as const) {
          if (typeof nbg[key] !== "boolean") here(`nbgrader.${key} is ${JSON.stringify(nbg[key])}; expected true or false`);
        }
        if (typeof nbg.grade_id !== "string" || nbg.grade_id.trim() === "") {
          here(`nbgrader.grade_id is ${JSON.stringify(nbg.grade_id)}; expected a non-empty string`);
        } else if (gradeIds.has(nbg.grade_id)) {
          here(`nbgrader.grade_id "${nbg.grade_id}" is also used by cell ${gradeIds.get(nbg.grade_id)}; grade ids must be unique`);
        } else {
          gradeIds.set(nbg.grade_id, i);
        }
        if (nbg.grade === true && !(typeof nbg.points === "number" && Number.isFinite(nbg.points) && nbg.points > 0)) {
          here(`grade cell has points ${JSON.stringify(nbg.points)}; expected a number > 0`);
        }
        role = roleOf(nbg.grade, nbg.solution);
        if (nbg.solution === true && nbg.locked === true) here(`a solution cell must not be locked (nbgrader.locked: false)`);
        if (role === "tests" && nbg.locked !== true) here(`a test cell (grade, not solution) must be locked (nbgrader.locked: true)`);
        if (role === "solution") {
          if (cell.cell_type === "code" && !hasMarker(source, "SOLUTION")) here(`solution cell has no "// BEGIN SOLUTION" / "// END SOLUTION" block`);
          if (cell.metadata?.jupyter?.source_hidden !== true) here(`solution cell needs metadata.jupyter.source_hidden = true`);
        }
        if (role !== null && !tags.includes(role)) here(`nbgrader ${role} cell must carry the tag "${role}" (tags: ${JSON.stringify(tags)})`);
      }
    }
    for (const tag of ROLE_TAGS) {
      if (tags.includes(tag) && role !== tag) {
        here(`tag "${tag}" needs nbgrader metadata of a ${tag} cell (${tag === "solution" ? "grade false, solution true" : tag === "tests" ? "grade true, solution false" : "grade true, solution true"})`);
      }
    }
    const isSolution = nbg !== undefined && typeof nbg === "object" && nbg !== null && nbg.solution === true;
    if (hasMarker(source, "SOLUTION")) {
      if (!isSolution) here(`"// BEGIN SOLUTION" markers outside a solution cell (nbgrader.solution is not true)`);
      for (const m of markerProblems(source, "SOLUTION")) here(m);
    }
    if (hasMarker(source, "HIDDEN TESTS")) {
      if (role !== "tests") here(`"// BEGIN HIDDEN TESTS" markers outside a test cell (grade true, solution false)`);
      for (const m of markerProblems(source, "HIDDEN TESTS")) here(m);
    }
  });
  return problems;
}

/** One line for a problem: `file, cell 3 (id "x"): message`. */
export function formatHygieneProblem(p: HygieneProblem): string {
  const where = p.cellIndex === undefined ? "" : `, cell ${p.cellIndex}${p.cellId ? ` (id "${p.cellId}")` : ""}`;
  return `${p.path}${where}: ${p.message}`;
}
