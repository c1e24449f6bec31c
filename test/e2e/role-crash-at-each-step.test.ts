// Hardening, crashes: the holder or the contender dies (SIGKILL) inside each
// PC/SC call it makes during a repro run, or hangs in SCardConnect for good.
// A crash gives `inconclusive`, exit 2 and the cause on stderr, never a hang;
// a hang is bounded by --blocked-after and --timeout, and is inconclusive
// too: a call that never returns, even once the holder let go, did not wait
// for the holder (see BLOCKED_RULE). Nothing is left running
// and the reader is free afterwards. The faults come from an LD_PRELOAD shim
// handed to one role with --holder-env / --contender-env.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli, jsonOutput } from '../support/cli.js';
import { buildInterposer } from '../support/interposers.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';

await useStack({ before, after });
let shim: string;
before(async () => (shim = await buildInterposer('crash-in-call')));

interface Fault {
  role: 'holder' | 'contender';
  call: string;
  when?: 'before' | 'after';
  nth?: number;
  scenario?: string;
  reason: RegExp;
}

// A role establishes its PC/SC context with its first connect, not at start-up.
const CRASHES: Fault[] = [
  { role: 'holder', call: 'SCardEstablishContext', reason: /the holder died before it could report holding the reader/ },
  { role: 'holder', call: 'SCardConnect', reason: /the holder died before it could report holding the reader/ },
  { role: 'holder', call: 'SCardConnect', when: 'after', reason: /the holder died before it could report holding the reader/ },
  // The card-reset scenario has the holder transmit twice: once to take the reader, once to observe.
  {
    role: 'holder',
    call: 'SCardTransmit',
    nth: 2,
    scenario: 'el-capitan-scardtransmit',
    reason: /the holder died before it could make its SCardTransmit/,
  },
  { role: 'holder', call: 'SCardDisconnect', reason: /the holder died before it could report its release/ },
  { role: 'contender', call: 'SCardEstablishContext', reason: /the contender died before it could answer/ },
  { role: 'contender', call: 'SCardConnect', reason: /the contender died before it could answer/ },
  { role: 'contender', call: 'SCardConnect', when: 'after', reason: /the contender died before it could answer/ },
];

function faultArgs(fault: Fault, extra: Record<string, string> = {}): string[] {
  const env = {
    LD_PRELOAD: shim,
    SC_REPRO_FAULT_CALL: fault.call,
    SC_REPRO_FAULT_WHEN: fault.when ?? 'before',
    SC_REPRO_FAULT_NTH: String(fault.nth ?? 1),
    ...extra,
  };
  return Object.entries(env).flatMap(([key, value]) => [`--${fault.role}-env`, `${key}=${value}`]);
}

for (const fault of CRASHES) {
  test(`${fault.role} killed ${fault.when ?? 'before'} ${fault.call}${fault.nth ? ` #${fault.nth}` : ''}: inconclusive, exit 2, nothing left`, async () => {
    const { env, marker } = markedEnv();
    const scenario = fault.scenario ? ['--scenario', fault.scenario] : [];
    const result = await runCli(['repro', '--json', '--reader', VIRTUAL_READER, ...scenario, ...faultArgs(fault)], { env });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    const report = jsonOutput(result.stdout);
    assert.equal(report.verdict, 'inconclusive');
    assert.match(report.reason, fault.reason);
    assert.match(result.stderr.split('\n')[0]!, /^sc-repro: inconclusive: /);
    assert.match(result.stderr.split('\n')[0]!, fault.reason);
    assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+/);
    assert.ok(result.ms < 5000, `took ${Math.round(result.ms)} ms`);
    assert.deepEqual(processesWithMarker(marker), []);
    assert.equal(await readerIsFree(), true);
  });
}

test('a contender whose SCardConnect never returns: inconclusive within the blocked check + --timeout', async () => {
  const { env, marker } = markedEnv();
  const fault: Fault = { role: 'contender', call: 'SCardConnect', reason: /never/ };
  const result = await runCli(
    [
      'repro',
      '--json',
      '--reader',
      VIRTUAL_READER,
      '--blocked-after',
      '1',
      '--timeout',
      '1',
      ...faultArgs(fault, { SC_REPRO_FAULT_ACTION: 'hang' }),
    ],
    { env },
  );
  const report = jsonOutput(result.stdout);
  // It did not come back when the holder let go: something else holds it, so nothing can be judged.
  assert.equal(report.verdict, 'inconclusive', result.stdout);
  assert.match(report.reason, /still had not 1 s after the holder let go/);
  assert.equal(report.observed, null);
  assert.equal(result.code, 2);
  // 1 s suspected, 2 s confirmed, then up to --timeout for the call to come back; start-up and clean-up on top.
  assert.ok(result.ms < 3 * 1000 + 1000 + 2000, `took ${Math.round(result.ms)} ms`);
  assert.deepEqual(processesWithMarker(marker), []);
  assert.equal(await readerIsFree(), true);
});
