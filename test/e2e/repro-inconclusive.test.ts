// When the precondition cannot be established, repro says so: inconclusive,
// exit 2, never a hang, nothing left behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { useStack, readerIsFree, readerStatus, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli, startCli, jsonOutput } from '../support/cli.js';

await useStack({ before, after });

function descendants(pid: number): number[] {
  const out = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return out ? out.split('\n').map(Number) : [];
}

test('no service: inconclusive, exit 2, with the cause and a hint', async () => {
  const result = await runCli(['repro', '--json'], { env: { PCSCLITE_CSOCK_NAME: '/nonexistent/pcscd.comm' } });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'inconclusive');
  assert.match(report.reason, /SCARD_E_NO_SERVICE \(0x8010001D\)/);
  assert.match(report.hint, /pcscd/);
});

test('a holder killed with SIGKILL mid-run: inconclusive, exit 2, no hang, reader free', async () => {
  const repro = startCli(['repro', '--json', '--reader', VIRTUAL_READER, '--hold', '30', '--timeout', '3', '--full-hold']);
  // Wait for the holder (a role process of repro) to appear, then kill it hard.
  const deadline = Date.now() + 5000;
  let holder: number | undefined;
  while (!holder && Date.now() < deadline) {
    for (const pid of descendants(repro.child.pid!)) {
      const cmd = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout;
      if (/roles\/entry\.cjs holder$/.test(cmd.trim())) holder = pid;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(holder, 'the holder process never appeared');
  await new Promise((resolve) => setTimeout(resolve, 600));
  process.kill(holder, 'SIGKILL');
  const result = await repro.done;
  assert.equal(result.code, 2, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'inconclusive');
  assert.match(report.reason, /holder/);
  assert.ok(result.ms < 8000, `took ${result.ms} ms`);
  assert.deepEqual(descendants(repro.child.pid!), []);
  assert.equal(await readerIsFree(), true);
});

// The transaction scenario makes the interrupt land at the worst moment: the
// holder inside a PC/SC transaction and the contender blocked in SCardConnect.
test('SIGINT during a run: inconclusive, children gone, reader free, exit 130', async () => {
  const repro = startCli([
    'repro',
    '--json',
    '--reader',
    VIRTUAL_READER,
    '--scenario',
    'exclusive-connect-during-transaction',
    '--hold',
    '30',
    '--blocked-after',
    '20',
  ]);
  const held = await readerStatus(VIRTUAL_READER, (status) => status.flags.includes('INUSE'), 5000);
  assert.ok(held.flags.includes('INUSE'), `the holder never held: ${held.flags}`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const children = descendants(repro.child.pid!);
  repro.child.kill('SIGINT');
  const result = await repro.done;
  assert.equal(result.code, 130, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'inconclusive');
  assert.match(report.reason, /interrupted/);
  assert.ok(result.ms < 5000, `took ${result.ms} ms: the blocked contender was waited for`);
  for (const pid of children) {
    assert.equal(spawnSync('kill', ['-0', String(pid)]).status, 1, `child ${pid} still alive`);
  }
  assert.equal(await readerIsFree(), true);
});
