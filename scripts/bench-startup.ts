// Start-up cost of the CLI, which `repro` pays once per child process.
// Target: median `sc-repro --version` within 2.5× `node -e 0`.
//   npx tsx scripts/bench-startup.ts [runs]
// `connect` needs pcscd; without a card it still measures start-up plus one
// SCardConnect answer (exit 2 counts as a valid run).
import { fileURLToPath } from 'node:url';
import { measure, printTable, runsFromArgv } from './lib/bench.js';

const CLI = fileURLToPath(new URL('../bin/sc-repro.cjs', import.meta.url));
const runs = runsFromArgv(20);
const node = process.execPath;

const results = measure(
  [
    { name: 'node -e 0', command: node, args: ['-e', '0'] },
    { name: 'sc-repro --version', command: node, args: [CLI, '--version'] },
    { name: 'sc-repro connect --json', command: node, args: [CLI, 'connect', '--json'], okCodes: [0, 1, 2] },
  ],
  runs,
);
console.log(`${runs} runs each, round-robin, on ${process.platform}/${process.arch}, Node ${process.version}\n`);
printTable(results, 'node -e 0');
const ratio = results[1]!.median / results[0]!.median;
console.log(`\nsc-repro --version / node -e 0 = ${ratio.toFixed(2)} (target ≤ 2.5): ${ratio <= 2.5 ? 'met' : 'NOT met'}`);
