// `npm run execute [-- [--timeout <s>] [--out <dir>] [--allow-errors] notebook.ipynb ...]`: executes
// notebooks headlessly, each in a fresh tslab kernel, through battery-mi/notebook's Jupyter client (no
// Python). Without arguments every notebooks/*.ipynb runs, in name order. Executed copies go to
// build/executed/. Exit code 1 when any notebook fails, 2 on bad arguments.
import { createRequire } from "node:module";
import path from "node:path";

const { setupAll, ROOT } = await import("./setup.mjs");
setupAll();

const require = createRequire(import.meta.url);
const { runExecuteCli } = require(path.join(ROOT, "lib", "dist", "notebook", "index.js"));

// npm runs scripts from the project root; INIT_CWD is where the user typed the command.
const { code } = await runExecuteCli(process.argv.slice(2), { root: ROOT, cwd: process.env.INIT_CWD ?? process.cwd() });
// Kernels and sockets are closed by the runner; exit explicitly so nothing (a stray timer) can keep us.
process.exit(code);
