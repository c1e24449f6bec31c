#!/usr/bin/env node
// Runs the compiled CLI: `npm run build` (or `npm ci`, through `prepare`) writes dist/.
import { main } from '../dist/cli/main.js';

await main();
