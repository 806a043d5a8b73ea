// Registers the project's Jupyter kernels (TypeScript = tslab, JavaScript = jslab) inside the project, in
// .jupyter/share/jupyter/kernels/, without starting Jupyter. `npm start` does this by itself; run this script when
// you start Jupyter your own way:
//   node environment/register-kernel.mjs
//   JUPYTER_PATH="$PWD/.jupyter/share/jupyter" jupyter lab      # (Windows: set JUPYTER_PATH=%CD%\.jupyter\share\jupyter)
// It needs the npm dependencies (npm install) but neither Python nor Jupyter.
import fs from "node:fs";
import path from "node:path";
import { ROOT, registerKernels } from "../scripts/setup.mjs";

const tslab = path.join(ROOT, "node_modules", "tslab", "bin", "tslab");
if (!fs.existsSync(tslab)) {
  console.error(`[register-kernel] ${path.relative(ROOT, tslab)} is missing: run \`npm install\` (or \`npm start\`) in ${ROOT} first.`);
  process.exit(1);
}
const dataDir = registerKernels();
for (const name of ["tslab", "jslab"]) {
  const file = path.join(dataDir, "kernels", name, "kernel.json");
  const spec = JSON.parse(fs.readFileSync(file, "utf8"));
  console.log(`[register-kernel] ${spec.display_name} (${name}): ${file}`);
}
console.log(`[register-kernel] Jupyter finds these kernels when started with
  JUPYTER_PATH=${dataDir}
(npm start sets it for you). The kernel runs ${process.execPath} with the project's tslab; run this script
again after moving the project or switching Node.js.`);
