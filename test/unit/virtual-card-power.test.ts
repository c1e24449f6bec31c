// The built-in card hears what vpcd asks of its power, in order, each stamped
// before the card answers (a local listener plays vpcd's side of the socket).
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { epochMs } from '../../src/core/bounded-wait.js';
import { encodeFrame, FrameDecoder, insertVirtualCard, VIRTUAL_CARD_ATR } from '../../src/virtual-card/vpcd-card.js';

const OFF = 0;
const ON = 1;
const RESET = 2;
const GET_ATR = 4;

test('power-off, power-on and reset are logged in order; the ATR request and APDUs are not', async () => {
  const answers: Buffer[] = [];
  const decoder = new FrameDecoder();
  let answered: () => void = () => {};
  const server = net.createServer((socket) => {
    socket.on('data', (chunk) => {
      answers.push(...decoder.push(chunk));
      if (answers.length >= 4) answered();
    });
    // vpcd's side: ATR, off, on, ATR, an APDU, reset, ATR.
    for (const frame of [[GET_ATR], [OFF], [ON], [GET_ATR], [0x00, 0xa4, 0x04, 0x00], [RESET], [GET_ATR]])
      socket.write(encodeFrame(Buffer.from(frame)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const before = epochMs();
  const card = await insertVirtualCard({ port });
  try {
    await new Promise<void>((resolve) => {
      answered = resolve;
      if (answers.length >= 4) resolve();
    });
    assert.deepEqual(
      card.powerChanges.map((change) => change.kind),
      ['off', 'on', 'reset'],
    );
    const stamps = card.powerChanges.map((change) => change.at);
    assert.deepEqual(
      stamps,
      [...stamps].sort((a, b) => a - b),
      'stamped in order',
    );
    assert.ok(stamps[0]! >= before && stamps.at(-1)! <= epochMs(), `stamps ${stamps} within the test`);
    // The card answered the three ATR requests, and the APDU with 90 00, in vpcd's order.
    const atr = VIRTUAL_CARD_ATR.toString('hex');
    assert.deepEqual(
      answers.map((answer) => answer.toString('hex')),
      [atr, atr, '9000', atr],
    );
  } finally {
    await card.remove();
    server.close();
    server.unref();
  }
});
