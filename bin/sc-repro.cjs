#!/usr/bin/env node
// Runs the built CLI: `npm run build` (or `npm ci`, through the `dependencies` script; `npm pack`, through `prepack`) writes dist/.
require('../dist/cli/main.cjs').main();
