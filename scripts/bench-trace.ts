// What --trace costs. Off, nothing: the observer is not wrapped and no trace
// is built (the role processes record their calls either way, for notes).
// On, the target is under 1 ms per recorded call: `repro --repeat 200`
// with and without --trace, round-robin, the difference divided by the
// calls one traced run records.
//   npx tsx scripts/bench-trace.ts [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measure, printTable, runsFromArgv, serveVirtualCard } from './lib/bench.js';

const CLI = fileURLToPath(new URL('../bin/sc-repro.cjs', import.meta.url));
const runs = runsFromArgv(5);
const REPEAT = 200;
const reader = ['--reader', 'Virtual PCD 00 00'];

const card = await serveVirtualCard(CLI);
try {
  const traced = JSON.parse(spawnSync(process.execPath, [CLI, 'repro', '--json', '--trace', ...reader], { encoding: 'utf8' }).stdout);
  const callsPerRun = traced.trace.length as number;
  const results = measure(
    [
      { name: 'node -e 0', command: process.execPath, args: ['-e', '0'] },
      {
        name: `repro --repeat ${REPEAT} --json`,
        command: process.execPath,
        args: [CLI, 'repro', '--repeat', String(REPEAT), '--json', ...reader],
      },
      {
        name: `repro --repeat ${REPEAT} --json --trace`,
        command: process.execPath,
        args: [CLI, 'repro', '--repeat', String(REPEAT), '--json', '--trace', ...reader],
      },
    ],
    runs,
    1,
  );
  console.log(`${runs} runs each, round-robin, on ${process.platform}/${process.arch}, Node ${process.version}\n`);
  printTable(results, 'node -e 0');
  const [, plain, withTrace] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
  const perCall = (withTrace.median - plain.median) / (REPEAT * callsPerRun);
  console.log(
    `\n${callsPerRun} calls recorded per run; --trace costs ${perCall.toFixed(3)} ms per call (target < 1 ms): ${perCall < 1 ? 'met' : 'NOT met'}`,
  );
} finally {
  card.kill('SIGINT');
}
