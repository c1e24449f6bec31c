// No card in the reader, or the card pulled while held: a clear error and
// exit 2; and --wait-card, which waits for one instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, insertCard, readerIsFree, readerStatus, removeCard, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';
import { insertVirtualCard } from '../../src/virtual-card/vpcd-card.js';
import { runCli, startCli, jsonOutput } from '../support/cli.js';

await useStack({ before, after }, { card: false });

test('connect with no card: SCARD_E_NO_SMARTCARD, a hint, exit 2', async () => {
  await readerStatus(undefined, (s) => !s.cardPresent);
  const result = await runCli(['connect']);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /^sc-repro: error: SCARD_E_NO_SMARTCARD \(0x8010000C\)/m);
  assert.match(result.stderr, /^hint: insert a card/m);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test('a reader that is not there, by index or by name, is exit 2 with the list of readers, as a missing card is', async () => {
  for (const args of [
    ['connect', '--reader', '9'],
    ['lock', '--reader', '9'],
    ['connect', '--reader', 'nosuch'],
  ]) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
    assert.match(
      result.stderr,
      /^sc-repro: error: no reader (9: there are 2|matches "nosuch"); readers: 0: "Virtual PCD 00 00", 1: "Virtual PCD 00 01"\n/,
    );
    assert.match(result.stderr, /^hint: connect a reader/m);
  }
  const json = jsonOutput((await runCli(['connect', '--json', '--reader', '9'])).stdout);
  assert.deepEqual([json.command, json.exitCode], ['connect', 2]);
  // repro cannot judge without its reader: inconclusive, exit 2.
  const repro = await runCli(['repro', '--json', '--reader', '9']);
  assert.equal(repro.code, 2, repro.stdout + repro.stderr);
  assert.equal(jsonOutput(repro.stdout).verdict, 'inconclusive');
});

test('lock with no card: exit 2 with one JSON object on stdout', async () => {
  const result = await runCli(['lock', '--json']);
  assert.equal(result.code, 2);
  const report = jsonOutput(result.stdout);
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

test('repro with no card: inconclusive, exit 2, the cause and a hint on stderr', async () => {
  await readerStatus(undefined, (s) => !s.cardPresent);
  const result = await runCli(['repro', '--json', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.equal(jsonOutput(result.stdout).verdict, 'inconclusive');
  const lines = result.stderr.trim().split('\n');
  assert.match(lines[0]!, /^sc-repro: inconclusive: the holder could not take the reader: SCARD_E_NO_SMARTCARD/);
  assert.match(lines[1]!, /^hint: insert a card/);
});

test('the card removed while repro holds: inconclusive, exit 2 within 2 s, reader free once back', async () => {
  const card = await insertCard();
  const { env, marker } = markedEnv();
  const repro = startCli(['repro', '--json', '--reader', VIRTUAL_READER, '--hold', '30', '--full-hold'], { env });
  await readerStatus(VIRTUAL_READER, (s) => s.flags.includes('EXCLUSIVE'), 5000);
  await card.remove();
  const removed = performance.now();
  const result = await repro.done;
  assert.ok(performance.now() - removed < 2000, `took ${Math.round(performance.now() - removed)} ms`);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(jsonOutput(result.stdout).reason, /^the holder stopped: SCARD_W_REMOVED_CARD/);
  assert.match(result.stderr, /^sc-repro: inconclusive: the holder stopped: SCARD_W_REMOVED_CARD/);
  assert.deepEqual(processesWithMarker(marker), []);
  const again = await insertCard();
  assert.equal(await readerIsFree(), true);
  await removeCard(again);
});

test('--wait-card with no card inserted: exit 2 once the wait is over', async () => {
  const result = await runCli(['connect', '--reader', VIRTUAL_READER, '--wait-card', '0.5']);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.ok(result.ms >= 500, `gave up after ${Math.round(result.ms)} ms`);
  assert.match(result.stderr, /^sc-repro: error: SCARD_E_NO_SMARTCARD: no card was inserted into "Virtual PCD 00 00" within 0\.5 s$/m);
});

test('--wait-card: lock and repro go on as soon as the card is inserted', async () => {
  const lock = startCli(['lock', '--reader', VIRTUAL_READER, '--wait-card', '10', '--hold', '30']);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(lock.child.exitCode, null, lock.stderr());
  const card = await insertVirtualCard();
  await lock.line(/^Holding/);
  lock.child.kill('SIGINT');
  assert.equal((await lock.done).code, 130);
  await removeCard(card);

  const repro = startCli(['repro', '--json', '--reader', VIRTUAL_READER, '--wait-card', '10']);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const later = await insertVirtualCard();
  const result = await repro.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(jsonOutput(result.stdout).verdict, 'not-affected');
  await removeCard(later);
});
