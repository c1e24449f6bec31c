// One whole reproduction on the virtual stack (pcscd + vpcd + the built-in
// card), against `node -e 0`, against the floor of any two-process
// reproduction (scripts/baseline/floor-parent.mjs: two children that load the
// binding and connect once, a parent that loads koffi and opens a context),
// and against the original procedure: pyscard lock.py + connect.py driven by
// scripts/baseline/run-baseline.sh with the hold cut to 0.3 s.
// Targets: median `repro --json` wall time and CPU time (all processes)
// within 1.10× of the floor's, measured in the same invocation (and, as
// before, ≤ 3.2× and ≤ 4.5× those of `node -e 0`). Beside them, the paired
// ratio: the median of the rounds' own repro ÷ floor.   npx tsx scripts/bench-repro.ts [runs]
import { fileURLToPath } from 'node:url';
import { measure, pairedRatio, printTable, runsFromArgv, serveVirtualCard } from './lib/bench.js';

const CLI = fileURLToPath(new URL('../bin/sc-repro.cjs', import.meta.url));
const FLOOR = fileURLToPath(new URL('./baseline/floor-parent.mjs', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baseline/run-baseline.sh', import.meta.url));
const runs = runsFromArgv(20);
const node = process.execPath;
const TARGET = { wall: 3.2, cpu: 4.5 };
const FLOOR_TARGET = 1.1;

const card = await serveVirtualCard(CLI);
try {
  const results = measure(
    [
      { name: 'node -e 0', command: node, args: ['-e', '0'] },
      { name: 'floor: two binding children + koffi parent', command: node, args: [FLOOR] },
      { name: 'sc-repro repro --json', command: node, args: [CLI, 'repro', '--json', '--reader', 'Virtual PCD 00 00'] },
      { name: 'pyscard lock.py + connect.py (hold 0.3 s)', command: 'bash', args: [BASELINE, '0.3'] },
    ],
    runs,
  );
  console.log(`${runs} runs each, round-robin, on ${process.platform}/${process.arch}, Node ${process.version}\n`);
  printTable(results, 'node -e 0');
  const [nodeStart, floor, repro] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
  const verdict = (ratio: number, target: number) => `(target ≤ ${target}): ${ratio <= target ? 'met' : 'NOT met'}`;
  const wall = repro.median / nodeStart.median;
  const wallFloor = repro.median / floor.median;
  console.log(`\nrepro wall / floor = ${wallFloor.toFixed(3)} ${verdict(wallFloor, FLOOR_TARGET)}`);
  if (repro.cpu && nodeStart.cpu && floor.cpu) {
    const cpuFloor = repro.cpu.median / floor.cpu.median;
    console.log(`repro CPU / floor = ${cpuFloor.toFixed(3)} ${verdict(cpuFloor, FLOOR_TARGET)}`);
  }
  // The ratios above are of two medians, each moved by the machine's load over the whole run; these pair each repro
  // with the floor run just before it. Said beside the target, not instead of it.
  const cpuPaired = repro.cpuRuns.length ? ` CPU ${pairedRatio(repro.cpuRuns, floor.cpuRuns).toFixed(3)}` : '';
  console.log(`paired (median of the ${runs} rounds' repro / floor): wall ${pairedRatio(repro.runs, floor.runs).toFixed(3)}${cpuPaired}`);
  console.log(
    `repro wall / node -e 0 = ${wall.toFixed(2)} ${verdict(wall, TARGET.wall)}; floor ${(floor.median / nodeStart.median).toFixed(2)}`,
  );
  if (repro.cpu && nodeStart.cpu && floor.cpu) {
    const cpu = repro.cpu.median / nodeStart.cpu.median;
    console.log(
      `repro CPU / node -e 0 = ${cpu.toFixed(2)} ${verdict(cpu, TARGET.cpu)}; floor ${(floor.cpu.median / nodeStart.cpu.median).toFixed(2)}`,
    );
  }
} finally {
  card.kill('SIGINT');
}
