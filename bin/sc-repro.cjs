#!/usr/bin/env node
// Runs the built CLI: `npm run build` (or `npm ci`, through the `dependencies` script; `npm pack`, through `prepack`) writes dist/.
// For `repro` and `matrix`, the role processes are started first, while the rest of the CLI loads (src/cli/start.ts);
// the rest of the CLI loads with a V8 code cache (src/cli/code-cache.ts).
const { startRolesEarly, requireCached } = require('../dist/cli/start.cjs');
const started = startRolesEarly(process.argv);
requireCached(require.resolve('../dist/cli/main.cjs')).main(process.argv, started);
