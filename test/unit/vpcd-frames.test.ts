import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, VIRTUAL_CARD_ATR, answerFrame, encodeFrame } from '../../src/virtual-card/vpcd-card.js';

test('frames split across and joined within chunks are decoded', () => {
  const decoder = new FrameDecoder();
  const stream = Buffer.concat([encodeFrame(Buffer.from([4])), encodeFrame(Buffer.from([0x00, 0xa4, 0x04, 0x00]))]);
  assert.deepEqual(decoder.push(stream.subarray(0, 1)), []);
  const frames = decoder.push(stream.subarray(1));
  assert.deepEqual(
    frames.map((f) => [...f]),
    [[4], [0x00, 0xa4, 0x04, 0x00]],
  );
});

test('the card answers GET ATR and APDUs, and nothing to power controls', () => {
  const ok = () => Buffer.from([0x90, 0x00]);
  assert.deepEqual(answerFrame(Buffer.from([4]), VIRTUAL_CARD_ATR, ok), VIRTUAL_CARD_ATR);
  for (const control of [0, 1, 2]) assert.equal(answerFrame(Buffer.from([control]), VIRTUAL_CARD_ATR, ok), null);
  assert.deepEqual([...answerFrame(Buffer.from([0x00, 0xb0, 0x00, 0x00]), VIRTUAL_CARD_ATR, ok)!], [0x90, 0x00]);
});

test('the ATR announces T=0 and T=1 with a correct check byte', () => {
  const atr = [...VIRTUAL_CARD_ATR];
  assert.equal(atr[0], 0x3b);
  assert.equal(
    atr.slice(1).reduce((a, b) => a ^ b, 0),
    0,
    'TCK makes the XOR of T0..TCK zero',
  );
  assert.deepEqual([...encodeFrame(VIRTUAL_CARD_ATR)].slice(0, 2), [0, 5]);
});
