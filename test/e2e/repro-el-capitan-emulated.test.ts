// The El Capitan bug (Apple 23646838) emulated on Linux: an LD_PRELOAD
// interposer turns the contender's SCARD_E_SHARING_VIOLATION for a SHARED
// connect into SCARD_E_PROTO_MISMATCH. repro must name the bug and exit 1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { buildInterposer } from '../support/interposers.js';
import { runCli, startCli, jsonOutput } from '../support/cli.js';

await useStack({ before, after });
let preload = '';
before(async () => {
  preload = await buildInterposer('el-capitan-proto-mismatch');
});

test('repro --json under the emulation: bug-reproduced, Apple 23646838, exit 1', async () => {
  const result = await runCli(['repro', '--json', '--reader', VIRTUAL_READER, '--contender-env', `LD_PRELOAD=${preload}`]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'bug-reproduced');
  assert.equal(report.observed.name, 'SCARD_E_PROTO_MISMATCH');
  assert.equal(report.observed.hex, '0x8010000F');
  assert.equal(report.expected.name, 'SCARD_E_SHARING_VIOLATION');
  assert.equal(report.knownBug.vendorBug, '23646838');
  assert.equal(report.knownBug.duplicateOf, '22575831');
  assert.equal(report.knownBug.title, 'SCardConnect() returns SCARD_E_PROTO_MISMATCH instead of SCARD_E_SHARING_VIOLATION');
  assert.match(report.knownBug.fixedIn, /Sierra 10\.12\.0/);
  assert.equal(await readerIsFree(), true);
});

test('the manual flow under the emulation: connect, while lock holds, gets PROTO_MISMATCH and names the bug', async () => {
  const lock = startCli(['lock', '--reader', VIRTUAL_READER, '--hold', '30']);
  try {
    await lock.line(/^Holding/);
    const connect = await runCli(['connect', '--reader', VIRTUAL_READER], { env: { LD_PRELOAD: preload } });
    assert.equal(connect.code, 1, connect.stdout + connect.stderr);
    assert.match(
      connect.stdout,
      /^SCardConnect\(SCARD_SHARE_SHARED\) failed: SCARD_E_PROTO_MISMATCH \(0x8010000F\): Card protocol mismatch\.$/m,
    );
    assert.match(connect.stdout, /this is the signature of Apple bug 23646838/);
    // The same connect without the interposer: the correct answer.
    const plain = await runCli(['connect', '--reader', VIRTUAL_READER, '--json']);
    assert.equal(jsonOutput(plain.stdout).error.name, 'SCARD_E_SHARING_VIOLATION');
  } finally {
    lock.child.kill('SIGINT');
    await lock.done;
  }
});

test('repro --markdown under the emulation names the bug', async () => {
  const result = await runCli(['repro', '--markdown', '--reader', VIRTUAL_READER, '--contender-env', `LD_PRELOAD=${preload}`]);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /\*\*Verdict: `bug-reproduced`\*\*/);
  assert.match(result.stdout, /\*\*Known bug:\*\* Apple bug 23646838 \(closed as a duplicate of 22575831\)/);
});
