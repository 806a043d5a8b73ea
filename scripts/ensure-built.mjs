// Used by the bench:* scripts: installs npm dependencies if missing and rebuilds lib/dist when its sources
// changed, so `node lib/dist/...` runs the current code.
import { ensureDependencies, ensureLibBuilt } from "./setup.mjs";
ensureDependencies();
ensureLibBuilt();
