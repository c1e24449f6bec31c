// A stack that shows no EXCLUSIVE or INUSE to a third party (whether macOS's
// PC/SC does is not documented) must not leave every run inconclusive: the
// holder then proves its hold with its own SCardStatus, and the report says
// that this is the evidence used. The stack here is pcsc-lite behind a
// library that clears both bits from SCardGetStatusChange, loaded as the
// whole PC/SC library of the ffi binding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli, jsonOutput } from '../support/cli.js';
import { buildInterposer } from '../support/interposers.js';

await useStack({ before, after });

let hidden: string;
before(async () => (hidden = await buildInterposer('hide-held-state')));

test('the library hides the share mode from a third party', async () => {
  const lock = runCli(['lock', '--reader', VIRTUAL_READER, '--hold', '1']);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const plain = jsonOutput((await runCli(['readers', '--json', '--binding', 'ffi'])).stdout).readers[0];
  const behind = jsonOutput((await runCli(['readers', '--json', '--pcsc-library', hidden])).stdout).readers[0];
  await lock;
  assert.deepEqual(plain.flags, ['PRESENT', 'EXCLUSIVE']);
  assert.deepEqual(behind.flags, ['PRESENT']);
});

test("repro behind it: not-affected, with the holder's own evidence, said in every format", async () => {
  const json = await runCli(['repro', '--json', '--reader', VIRTUAL_READER, '--pcsc-library', hidden]);
  assert.equal(json.code, 0, json.stdout + json.stderr);
  const report = jsonOutput(json.stdout);
  assert.equal(report.verdict, 'not-affected');
  assert.equal(report.precondition.evidence, 'holder');
  assert.deepEqual(report.evidence.readerStateWhileHeld, ['PRESENT']);
  const text = await runCli(['repro', '--reader', VIRTUAL_READER, '--pcsc-library', hidden]);
  assert.match(
    text.stdout,
    /^ {2}Hold +proved by the holder's own SCardStatus before and after the attempt: this stack shows no EXCLUSIVE\/INUSE to a third party$/m,
  );
  const markdown = await runCli(['repro', '--markdown', '--reader', VIRTUAL_READER, '--pcsc-library', hidden]);
  assert.match(markdown.stdout, /^\| Hold \| proved by the holder's own SCardStatus/m);
  assert.equal(await readerIsFree(), true);
});

test("behind it, the El Capitan signature in the contender is still bug-reproduced, with the holder's evidence", async () => {
  const elCapitan = await buildInterposer('el-capitan-proto-mismatch');
  const result = await runCli([
    'repro',
    '--json',
    '--reader',
    VIRTUAL_READER,
    '--pcsc-library',
    hidden,
    '--contender-env',
    `SC_REPRO_PCSC_LIBRARY=${elCapitan}`,
  ]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'bug-reproduced');
  assert.equal(report.knownBug.vendorBug, '23646838');
  assert.equal(report.precondition.evidence, 'holder');
});

test('--repeat behind it: every run not-affected, every hold proved by the holder', async () => {
  const result = await runCli(['repro', '--json', '--reader', VIRTUAL_READER, '--pcsc-library', hidden, '--repeat', '5']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.deepEqual(report.repeat.verdicts, { 'not-affected': 5 });
  assert.equal(report.precondition.evidence, 'holder');
});
