// Wall time of a whole reproduction on the virtual stack (pcscd + vpcd + the
// built-in card), against `node -e 0` and against the seed's own procedure:
// pyscard lock.py + connect.py driven by scripts/baseline/run-baseline.sh with
// the hold cut to 0.3 s. Targets: median `repro --json` ≤ 1000 ms and ≤ 8×
// `node -e 0`.   npx tsx scripts/bench-repro.ts [runs]
import { fileURLToPath } from 'node:url';
import { measure, printTable, runsFromArgv, serveVirtualCard } from './lib/bench.js';

const CLI = fileURLToPath(new URL('../bin/sc-repro.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baseline/run-baseline.sh', import.meta.url));
const runs = runsFromArgv(10);
const node = process.execPath;

const card = await serveVirtualCard(CLI);
try {
  const results = measure(
    [
      { name: 'node -e 0', command: node, args: ['-e', '0'] },
      { name: 'sc-repro repro --json', command: node, args: [CLI, 'repro', '--json', '--reader', 'Virtual PCD 00 00'] },
      { name: 'pyscard lock.py + connect.py (hold 0.3 s)', command: 'bash', args: [BASELINE, '0.3'] },
    ],
    runs,
  );
  console.log(`${runs} runs each, round-robin, on ${process.platform}/${process.arch}, Node ${process.version}\n`);
  printTable(results, 'node -e 0');
  const [nodeStart, repro, pyscard] = results as [typeof results[0], typeof results[0], typeof results[0]];
  console.log(`\nrepro median ${repro.median.toFixed(0)} ms (target ≤ 1000): ${repro.median <= 1000 ? 'met' : 'NOT met'}`);
  const ratio = repro.median / nodeStart.median;
  console.log(`repro / node -e 0 = ${ratio.toFixed(2)} (target ≤ 8): ${ratio <= 8 ? 'met' : 'NOT met'}`);
  console.log(`repro / pyscard baseline = ${(repro.median / pyscard.median).toFixed(2)}`);
} finally {
  card.kill('SIGINT');
}
