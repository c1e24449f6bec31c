// No card in the reader, or the card pulled while held: a clear error and exit 2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, insertCard, readerStatus } from '../support/pcsc-stack.js';
import { runCli, startCli } from '../support/cli.js';

await useStack({ before, after }, { card: false });

test('connect with no card: SCARD_E_NO_SMARTCARD, a hint, exit 2', async () => {
  await readerStatus(undefined, (s) => !s.cardPresent);
  const result = await runCli(['connect']);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /^sc-repro: error: SCARD_E_NO_SMARTCARD \(0x8010000C\)/m);
  assert.match(result.stderr, /^hint: insert a card/m);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test('lock with no card: exit 2 with one JSON object on stdout', async () => {
  const result = await runCli(['lock', '--json']);
  assert.equal(result.code, 2);
  const report = JSON.parse(result.stdout);
  assert.equal(report.ok, false);
  assert.equal(report.error.name, 'SCARD_E_NO_SMARTCARD');
});

test('the card removed during a hold: lock reports it and exits 2', async () => {
  const card = await insertCard();
  const lock = startCli(['lock', '--hold', '30']);
  await lock.line(/^Holding/);
  await card.remove();
  const result = await lock.done;
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /card was removed|SCARD_W_REMOVED_CARD/);
});
