#!/usr/bin/env node
// Runs the built CLI: `npm run build` (or `npm ci`, through the `dependencies` script; `npm pack`, through `prepack`) writes dist/.
// For `repro` and `matrix`, the role processes are started first, while the rest of the CLI loads (src/cli/early-roles.ts);
// the rest of the CLI loads with a V8 code cache (compile-cache.cjs).
const started = require('../dist/cli/early-roles.cjs').startRolesEarly(process.argv);
require('./compile-cache.cjs').requireCached(require.resolve('../dist/cli/main.cjs')).main(process.argv, started);
