// Throughput of repeated runs and of the whole catalog on the virtual stack.
// Targets: `repro --repeat 100` at ≥ 10 repetitions per second (whole command,
// process start-up included), and `matrix --virtual` over the whole catalog
// under 5 s not counting the deliberate `blocked` waits: a blocked row holds
// the reader for (1 + BLOCKED_RULE.confirmFactor) × --blocked-after before the
// holder lets go, then, to confirm the wait, once more and for releasePromptMs
// + --blocked-after longer; and a holder judged while the contender waits first waits
// --blocked-after for the contender to be waiting. Taking the built-in card
// out and putting it back is counted: pcscd's polling of the reader is part
// of the run. `node -e 0` and a single `repro` run are measured alongside, as
// baselines.
//   npx tsx scripts/bench-repeat.ts [runs]
import { fileURLToPath } from 'node:url';
import { BLOCKED_RULE } from '../src/orchestrator/blocked-rule.js';
import { SCENARIOS } from '../src/scenarios/catalog.js';
import { measure, printTable, runsFromArgv, serveVirtualCard } from './lib/bench.js';

const CLI = fileURLToPath(new URL('../bin/sc-repro.cjs', import.meta.url));
const runs = runsFromArgv(5);
const node = process.execPath;
const reader = ['--reader', 'Virtual PCD 00 00'];
const BLOCKED_AFTER = 0.3;
const blockedRows = SCENARIOS.filter((scenario) => scenario.expected['linux-pcsclite']?.kind === 'blocked').length;
const waitingRows = SCENARIOS.filter((scenario) => scenario.judge.role === 'holder' && scenario.judge.whileContenderWaits).length;
const blockedRowMs = (2 * (1 + BLOCKED_RULE.confirmFactor) + 1) * BLOCKED_AFTER * 1000 + BLOCKED_RULE.releasePromptMs;
const deliberateMs = blockedRows * blockedRowMs + waitingRows * BLOCKED_AFTER * 1000;

console.log(`${runs} runs each, round-robin, on ${process.platform}/${process.arch}, Node ${process.version}\n`);
// The repro runs use a card served by its own process; matrix --virtual brings its own, so that one is gone by then.
const card = await serveVirtualCard(CLI);
let repeated: ReturnType<typeof measure>;
try {
  repeated = measure(
    [
      { name: 'node -e 0', command: node, args: ['-e', '0'] },
      { name: 'repro --json', command: node, args: [CLI, 'repro', '--json', ...reader] },
      { name: 'repro --repeat 100 --json', command: node, args: [CLI, 'repro', '--repeat', '100', '--json', ...reader] },
    ],
    runs,
    1,
  );
} finally {
  card.kill('SIGINT');
  await new Promise((resolve) => card.once('exit', resolve));
}
printTable(repeated, 'node -e 0');
const [, single, repeat] = repeated as [(typeof repeated)[0], (typeof repeated)[0], (typeof repeated)[0]];
const perSecond = 100 / (repeat.median / 1000);
console.log(`\nrepro --repeat 100: ${perSecond.toFixed(0)} repetitions/s (target ≥ 10): ${perSecond >= 10 ? 'met' : 'NOT met'}`);
console.log(`  100 repetitions cost ${(repeat.median / single.median).toFixed(2)}× one repro run\n`);

const matrixName = `matrix --virtual --json --blocked-after ${BLOCKED_AFTER} (${SCENARIOS.length} scenarios)`;
const whole = measure(
  [
    { name: 'node -e 0', command: node, args: ['-e', '0'] },
    { name: matrixName, command: node, args: [CLI, 'matrix', '--virtual', '--json', '--blocked-after', String(BLOCKED_AFTER)] },
  ],
  runs,
  1,
);
printTable(whole, 'node -e 0');
const matrix = whole[1]!;
const net = matrix.median - deliberateMs;
console.log(
  `\nmatrix: ${(matrix.median / 1000).toFixed(2)} s; the deliberate waits (${blockedRows} blocked rows × ${(blockedRowMs / 1000).toFixed(1)} s for two holds, and ${waitingRows} waiting row × ${BLOCKED_AFTER} s) are ${(deliberateMs / 1000).toFixed(1)} s; ${(net / 1000).toFixed(2)} s without them (target < 5 s): ${net < 5000 ? 'met' : 'NOT met'}`,
);
