// Ctrl-C on `lock` must release the card at once (SCARD_LEAVE_CARD) and exit 130.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, readerStatus } from '../support/pcsc-stack.js';
import { startCli } from '../support/cli.js';

await useStack({ before, after });

test('SIGINT releases the reader at once and exits 130', async () => {
  const lock = startCli(['lock', '--hold', '60']);
  await lock.line(/^Holding/);
  const held = await readerStatus(undefined, (s) => s.flags.includes('EXCLUSIVE'));
  assert.ok(held.flags.includes('EXCLUSIVE'), `reader state ${held.flags.join(' ')}`);

  const sent = performance.now();
  lock.child.kill('SIGINT');
  const result = await lock.done;
  const exitMs = performance.now() - sent;
  assert.equal(result.code, 130);
  assert.ok(exitMs < 1500, `lock took ${exitMs.toFixed(0)} ms to exit`);
  assert.match(result.stdout, /Released with SCARD_LEAVE_CARD .*interrupted/);
  assert.equal(await readerIsFree(), true);
  // LEAVE_CARD, not UNPOWER: the card is still there and powered for others.
  const after = await readerStatus();
  assert.equal(after.cardPresent, true);
  assert.ok(!after.flags.includes('UNPOWERED'), after.flags.join(' '));
});
