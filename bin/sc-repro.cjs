#!/usr/bin/env node
// Runs the built CLI: `npm run build` (or `npm ci`, through `prepare`) writes dist/.
require('../dist/cli/main.cjs').main();
