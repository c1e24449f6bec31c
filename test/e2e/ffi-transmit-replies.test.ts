// SCardTransmit through the ffi binding keeps one reply buffer per connection
// instead of filling 64 KiB on every call: each reply is still exactly what
// the card answered, as long as the card said, and a later transmit on the
// same connection leaves an earlier reply as it was. The card is the built-in
// one, played by this process, answering each APDU with its own bytes and 90 00.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { insertVirtualCard, type VirtualCard } from '../../src/virtual-card/vpcd-card.js';
import { ffiBinding } from '../../src/pcsc/ffi-adapter.js';

await useStack({ before, after }, { card: false });

const echo = (apdu: Buffer) => Buffer.concat([apdu, Buffer.from([0x90, 0x00])]);

test("ffi SCardTransmit: every reply is the card's own, at its own length, and stays so after the next transmit", async () => {
  const card: VirtualCard = await insertVirtualCard({ respond: echo });
  const context = await ffiBinding(null).openContext();
  try {
    const present = await context.waitForStatus(VIRTUAL_READER, (status) => status.cardPresent, 5000);
    assert.ok(present.cardPresent, 'pcscd did not report the virtual card');
    const connection = await context.connect(VIRTUAL_READER, 'shared', 'any');
    // A long APDU, then a short one, then a long one again: a reply must not carry bytes of the one before.
    const long = Buffer.concat([Buffer.from([0x00, 0xd6, 0x00, 0x00, 0xc8]), Buffer.alloc(200, 0xa5)]);
    const short = Buffer.from([0x00, 0xb0, 0x00, 0x00]);
    const other = Buffer.concat([Buffer.from([0x00, 0xd6, 0x00, 0x00, 0x64]), Buffer.alloc(100, 0x3c)]);
    const first = await connection.transmit(long);
    const second = await connection.transmit(short);
    const third = await connection.transmit(other);
    assert.deepEqual(first, echo(long));
    assert.deepEqual(second, echo(short));
    assert.deepEqual(third, echo(other));
    assert.deepEqual([first.length, second.length, third.length], [long.length + 2, short.length + 2, other.length + 2]);
    // Two at once on one connection: each gets its own reply.
    const both = await Promise.all([connection.transmit(short), connection.transmit(long)]);
    assert.deepEqual(both, [echo(short), echo(long)]);
    await connection.disconnect('leave');
  } finally {
    await context.close();
    await card.remove();
  }
});
