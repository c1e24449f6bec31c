// No false verdicts on a correct stack. pcsc-lite here is correct, so whatever
// an interposer makes a call do (slow, reordered, failing after the fact),
// and whatever happens to the output, sc-repro may answer not-affected or
// inconclusive, never bug-reproduced or unexpected. Each case asserts the
// exact verdict and exit code. The same rules against fakes:
// test/unit/run-once.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useStack, insertCard, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { CLI, runCli, startCli, jsonOutput } from '../support/cli.js';
import { buildInterposer } from '../support/interposers.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';

await useStack({ before, after });

const STACK_TRACE = /\n\s+at .+:\d+:\d+/;

function report(stdout: string) {
  return jsonOutput(stdout) as {
    verdict: string;
    reason: string;
    notes: string[];
    reader: { name: string };
    observed: { blocked?: boolean } | null;
    knownBug: { vendorBug: string } | null;
    repeat?: { count: number };
    stoppedEarly: string | null;
    trace?: { role: string; call: string; args: { mode?: string }; durationMs: number }[];
  };
}

test('a slow SCardConnect around --blocked-after (-5 %, +5 %, +100 %) is judged by its code: not-affected', async () => {
  const slow = await buildInterposer('slow-connect');
  const blockedAfterMs = 500;
  for (const scenario of ['el-capitan-scardconnect', 'yosemite-shared-connect']) {
    for (const factor of [0.95, 1.05, 2]) {
      const result = await runCli([
        'repro',
        '--json',
        '--reader',
        VIRTUAL_READER,
        '--scenario',
        scenario,
        '--blocked-after',
        String(blockedAfterMs / 1000),
        '--contender-env',
        `LD_PRELOAD=${slow}`,
        '--contender-env',
        `SC_REPRO_SLOW_MS=${Math.round(blockedAfterMs * factor)}`,
      ]);
      const label = `${scenario} at ${factor}x`;
      assert.equal(result.code, 0, `${label}: ${result.stdout}${result.stderr}`);
      assert.equal(report(result.stdout).verdict, 'not-affected', label);
    }
  }
});

test('a contender slow by 1.05 s with the default --blocked-after: not-affected in both scenarios', async () => {
  const slow = await buildInterposer('slow-connect');
  for (const scenario of ['el-capitan-scardconnect', 'yosemite-shared-connect']) {
    const result = await runCli([
      'repro',
      '--json',
      '--reader',
      VIRTUAL_READER,
      '--scenario',
      scenario,
      '--contender-env',
      `LD_PRELOAD=${slow}`,
      '--contender-env',
      'SC_REPRO_SLOW_MS=1050',
    ]);
    assert.equal(result.code, 0, `${scenario}: ${result.stdout}${result.stderr}`);
    assert.equal(report(result.stdout).verdict, 'not-affected');
  }
});

test('--blocked-after below its floor is bad usage, with the floor in the message', async () => {
  const result = await runCli(['repro', '--blocked-after', '0.001']);
  assert.equal(result.code, 64);
  assert.equal(
    result.stderr.trim(),
    "sc-repro: error: --blocked-after must be at least 0.1 and at most 86400 seconds, got '0.001'; see `sc-repro repro --help`",
  );
});

test('a call that really waits for the holder is still blocked, and names Apple 21703315', async () => {
  const waits = await buildInterposer('shared-connect-blocks');
  const result = await runCli([
    'repro',
    '--json',
    '--reader',
    VIRTUAL_READER,
    '--scenario',
    'yosemite-shared-connect',
    '--blocked-after',
    '0.3',
    '--contender-env',
    `LD_PRELOAD=${waits}`,
  ]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const json = report(result.stdout);
  assert.equal(json.verdict, 'bug-reproduced');
  assert.equal(json.observed?.blocked, true);
  assert.equal(json.knownBug?.vendorBug, '21703315');
});

test('a call that waits is named: a DIRECT connect waiting is no Yosemite bug, and no known bug at all', async () => {
  const waits = await buildInterposer('shared-connect-blocks');
  // direct-connect-protocol-undefined: SCardConnect(SHARED), SCardDisconnect(UNPOWER), then the judged SCardConnect(DIRECT), which waits here.
  const args = [
    'repro',
    '--json',
    '--reader',
    VIRTUAL_READER,
    '--scenario',
    'direct-connect-protocol-undefined',
    '--blocked-after',
    '0.3',
    '--trace',
  ];
  const direct = await runCli([...args, '--contender-env', `LD_PRELOAD=${waits}`, '--contender-env', 'SC_REPRO_BLOCK_MODE=direct']);
  assert.equal(direct.code, 1, direct.stdout + direct.stderr);
  const json = report(direct.stdout);
  assert.equal(json.verdict, 'unexpected');
  assert.equal(json.knownBug, null);
  assert.match(json.reason, /blocked \(SCardConnect\(DIRECT\) waited for the holder to let go\)/);
  const slow = json.trace!.filter((call) => call.role === 'contender' && call.durationMs >= 300);
  // The call waited in both holds: the first, and the second that confirms it, let go later.
  assert.deepEqual(
    slow.map((call) => `${call.call} ${call.args.mode}`),
    ['SCardConnect direct', 'SCardConnect direct'],
  );
  // The shared connect of the same act waiting is the Yosemite bug.
  const shared = report((await runCli([...args, '--contender-env', `LD_PRELOAD=${waits}`])).stdout);
  assert.deepEqual([shared.verdict, shared.knownBug?.vendorBug], ['bug-reproduced', '21703315']);
});

test('a reversed reader list in either role changes nothing: both act on the reader chosen once', async () => {
  const reverse = await buildInterposer('reverse-reader-list');
  // The interposer works: a process that lists readers under it sees them reversed.
  const plain = jsonOutput((await runCli(['readers', '--json'])).stdout).readers.map((r: { reader: string }) => r.reader);
  const reversed = jsonOutput((await runCli(['readers', '--json'], { env: { LD_PRELOAD: reverse } })).stdout).readers.map(
    (r: { reader: string }) => r.reader,
  );
  assert.ok(plain.length >= 2, `two readers are needed: ${plain}`);
  assert.deepEqual(reversed, [...plain].reverse());
  for (const role of ['holder', 'contender']) {
    for (let i = 0; i < 3; i++) {
      const result = await runCli(['repro', '--json', '--reader', '0', `--${role}-env`, `LD_PRELOAD=${reverse}`]);
      assert.equal(result.code, 0, `${role}: ${result.stdout}${result.stderr}`);
      const json = report(result.stdout);
      assert.equal(json.verdict, 'not-affected');
      assert.equal(json.reader.name, plain[0]);
    }
  }
});

test('a failing SCardDisconnect after the judged connect is a note, not the observation', async () => {
  const fails = await buildInterposer('disconnect-fails');
  const result = await runCli([
    'repro',
    '--json',
    '--reader',
    VIRTUAL_READER,
    '--scenario',
    'yosemite-shared-connect',
    '--contender-env',
    `LD_PRELOAD=${fails}`,
  ]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const json = report(result.stdout);
  assert.equal(json.verdict, 'not-affected');
  assert.deepEqual(json.notes, ["the contender's SCardDisconnect returned SCARD_E_INVALID_HANDLE (0x80100003)"]);
  assert.equal(await readerIsFree(), true);
});

/**
 * Runs the CLI through bash so that its output goes where a user's shell would
 * send it. Asynchronously: this process plays the virtual card, which must
 * keep answering meanwhile.
 */
function shell(line: string): Promise<{ code: number; stderr: string }> {
  const child = spawn('bash', ['-c', `${line}; exit "\${PIPESTATUS[0]}"`], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stderr })));
}

test("a closed stdout (| true) drops the rest quietly and keeps the verdict's exit code", async () => {
  const cli = `node ${JSON.stringify(CLI)}`;
  const reader = `--reader ${JSON.stringify(VIRTUAL_READER)}`;
  for (const [command, code] of [
    [`${cli} repro ${reader} | true`, 0],
    [`${cli} repro ${reader} --json 2>&1 | true`, 0],
    [`${cli} matrix ${reader} --only el-capitan-scardconnect,yosemite-shared-connect | true`, 0],
    [`${cli} connect ${reader} --json | true`, 0],
    [`${cli} readers --json | true`, 0],
    [`${cli} scenarios | true`, 0],
  ] as const) {
    const result = await shell(command);
    assert.equal(result.code, code, `${command}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, STACK_TRACE, command);
    assert.doesNotMatch(result.stderr, /EPIPE/, command);
  }
});

test('a full disk (> /dev/full): one line on stderr, no stack, exit 2', async () => {
  const cli = `node ${JSON.stringify(CLI)}`;
  for (const command of [
    `${cli} repro --reader ${JSON.stringify(VIRTUAL_READER)} --json > /dev/full`,
    `${cli} matrix --reader ${JSON.stringify(VIRTUAL_READER)} --only el-capitan-scardconnect > /dev/full`,
    `${cli} connect --json > /dev/full`,
    `${cli} readers --json > /dev/full`,
    `${cli} scenarios > /dev/full`,
  ]) {
    const result = await shell(command);
    assert.equal(result.code, 2, `${command}: ${result.stderr}`);
    assert.equal(result.stderr.trim(), 'sc-repro: error: could not write the output (ENOSPC)', command);
  }
});

test('an --output folder removed mid-run: the verdict still on the terminal, one line for the file, exit 2', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sc-repro-output-'));
  const file = join(folder, 'r.txt');
  const repro = startCli(['repro', '--reader', VIRTUAL_READER, '--full-hold', '--hold', '2', '--output', file]);
  await new Promise((resolve) => setTimeout(resolve, 500));
  rmSync(folder, { recursive: true, force: true });
  const result = await repro.done;
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stdout, /^✔ NOT-AFFECTED {2}the stack answered SCARD_E_SHARING_VIOLATION, as expected$/m);
  assert.equal(result.stderr.trim(), `sc-repro: error: could not write the report to ${file} (ENOENT)`);
});

test('a card pulled during --repeat 1000 ends the run within seconds: the tally so far, exit 2', async () => {
  const { env, marker } = markedEnv();
  const card = await insertCard(35964, 'Virtual PCD 00 01');
  const repro = startCli(['repro', '--json', '--reader', 'Virtual PCD 00 01', '--repeat', '1000'], { env });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await card.remove();
  const removed = performance.now();
  const result = await repro.done;
  const stoppedMs = performance.now() - removed;
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.ok(stoppedMs < 5000, `went on for ${Math.round(stoppedMs)} ms after the card was pulled`);
  const json = report(result.stdout);
  assert.equal(json.verdict, 'inconclusive');
  assert.match(json.stoppedEarly ?? '', /^stopped after \d+ of 1000 runs: /);
  assert.ok(json.repeat && json.repeat.count < 1000 && json.repeat.count > 1, JSON.stringify(json.repeat));
  assert.deepEqual(processesWithMarker(marker), []);
});
