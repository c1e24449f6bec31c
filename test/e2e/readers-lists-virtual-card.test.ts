// `sc-repro readers` plays pcsc_scan -r: the vpcd reader with the virtual card's ATR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli, jsonOutput } from '../support/cli.js';

await useStack({ before, after });

test('readers --json lists the vpcd reader with the card ATR', async () => {
  const result = await runCli(['readers', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = jsonOutput(result.stdout);
  const reader = report.readers.find((r: { reader: string }) => r.reader === VIRTUAL_READER);
  assert.ok(reader, `no ${VIRTUAL_READER} in ${result.stdout}`);
  assert.equal(reader.cardPresent, true);
  assert.equal(reader.atr, '3B 80 80 01 01');
  assert.ok(reader.flags.includes('PRESENT'));
});

test('readers prints index, name and ATR as text', async () => {
  const result = await runCli(['readers']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^0: Virtual PCD 00 00$/m);
  assert.match(result.stdout, /card present.*ATR: 3B 80 80 01 01/);
});
