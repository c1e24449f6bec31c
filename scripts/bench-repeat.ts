// Throughput of repeated runs and of the whole catalog on the virtual stack.
// Targets: `repro --repeat 100` at ≥ 10 repetitions per second (whole command,
// process start-up included), and `matrix` over the catalog under 5 s not
// counting the deliberate `blocked` waits: a blocked row holds the reader for
// (1 + BLOCKED_RULE.confirmFactor) × --blocked-after before the holder lets go.
// `node -e 0` and a single `repro` run are measured alongside, as baselines.
//   npx tsx scripts/bench-repeat.ts [runs]
import { fileURLToPath } from 'node:url';
import { BLOCKED_RULE } from '../src/orchestrator/blocked-rule.js';
import { measure, printTable, runsFromArgv, serveVirtualCard } from './lib/bench.js';

const CLI = fileURLToPath(new URL('../bin/sc-repro.cjs', import.meta.url));
const runs = runsFromArgv(5);
const node = process.execPath;
const reader = ['--reader', 'Virtual PCD 00 00'];
const BLOCKED_AFTER = 0.5;
// Rows whose expected pcsc-lite answer is `blocked` wait --blocked-after on purpose.
const BLOCKED_ROWS = 1;

const card = await serveVirtualCard(CLI);
try {
  const results = measure(
    [
      { name: 'node -e 0', command: node, args: ['-e', '0'] },
      { name: 'repro --json', command: node, args: [CLI, 'repro', '--json', ...reader] },
      { name: 'repro --repeat 100 --json', command: node, args: [CLI, 'repro', '--repeat', '100', '--json', ...reader] },
      { name: `matrix --json --blocked-after ${BLOCKED_AFTER}`, command: node, args: [CLI, 'matrix', '--json', '--blocked-after', String(BLOCKED_AFTER), ...reader] },
    ],
    runs,
    1,
  );
  console.log(`${runs} runs each, round-robin, on ${process.platform}/${process.arch}, Node ${process.version}\n`);
  printTable(results, 'node -e 0');
  const [, single, repeat, matrix] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0], (typeof results)[0]];
  const perSecond = 100 / (repeat.median / 1000);
  console.log(`\nrepro --repeat 100: ${perSecond.toFixed(0)} repetitions/s (target ≥ 10): ${perSecond >= 10 ? 'met' : 'NOT met'}`);
  console.log(`  100 repetitions cost ${(repeat.median / single.median).toFixed(2)}× one repro run`);
  const deliberate = BLOCKED_ROWS * BLOCKED_AFTER * (1 + BLOCKED_RULE.confirmFactor) * 1000;
  const net = matrix.median - deliberate;
  console.log(`matrix: ${(matrix.median / 1000).toFixed(2)} s, ${(net / 1000).toFixed(2)} s without the deliberate blocked waits of ${deliberate / 1000} s (target < 5 s): ${net < 5000 ? 'met' : 'NOT met'}`);
} finally {
  card.kill('SIGINT');
}
