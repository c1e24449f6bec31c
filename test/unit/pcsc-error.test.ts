import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PcscError, describeCode, parsePcscError } from '../../src/pcsc/pcsc-error.js';

const SHARING_VIOLATION = 0x8010000b;

test('parses every spelling of the code the binding produces', () => {
  const messages = [
    'SCardConnect error: Sharing violation.(0x8010000b)',
    'SCardConnect error: Sharing violation.(0X8010000B)',
    'SCardConnect error: Sharing violation. 0x8010000B',
    'SCardConnect error: Sharing violation.(8010000b)',
    'SCardConnect error: Sharing violation.(-2146435061)',
    'SCardConnect error: Sharing violation. 2148532235',
    // Windows: localized FormatMessage text with CR/LF before the code.
    'SCardConnect error: The smart card cannot be accessed because of other connections outstanding.\r\n(0x8010000b)',
    'SCardConnect error: Die Smartcard kann nicht verwendet werden, 2 Verbindungen sind offen.\r\n(0x8010000b)',
  ];
  for (const message of messages) {
    const info = parsePcscError(new Error(message));
    assert.ok(info, message);
    assert.equal(info.code, SHARING_VIOLATION, message);
    assert.equal(info.hex, '0x8010000B');
    assert.equal(info.name, 'SCARD_E_SHARING_VIOLATION');
    assert.equal(info.message, 'Sharing violation.');
    assert.equal(info.call, 'SCardConnect');
    assert.equal(info.detail, message.trim());
  }
});

test('an unknown code is kept as a number with no name', () => {
  const info = parsePcscError(new Error('SCardTransmit error: Something new.(0x80100099)'));
  assert.ok(info);
  assert.equal(info.code, 0x80100099);
  assert.equal(info.hex, '0x80100099');
  assert.equal(info.name, null);
  assert.equal(info.message, 'Something new.');
  assert.equal(info.call, 'SCardTransmit');
});

test('messages without a PC/SC code are not PC/SC errors', () => {
  assert.equal(parsePcscError(new Error('Card Reader not connected')), undefined);
  assert.equal(parsePcscError(new Error('listen EADDRINUSE 0x1234')), undefined);
  assert.equal(parsePcscError(undefined), undefined);
  assert.equal(PcscError.from(new Error('First argument must be an integer')), undefined);
});

test('PcscError carries the code and renders name (hex): meaning', () => {
  const error = PcscError.from(new Error('SCardEstablishContext error: Service not available.(0x8010001d)'));
  assert.ok(error instanceof PcscError);
  assert.equal(error.code, 0x8010001d);
  assert.equal(error.scardName, 'SCARD_E_NO_SERVICE');
  assert.equal(error.message, 'SCARD_E_NO_SERVICE (0x8010001D): Service not available.');
  assert.deepEqual(error.toJSON(), {
    code: 0x8010001d,
    hex: '0x8010001D',
    name: 'SCARD_E_NO_SERVICE',
    message: 'Service not available.',
    call: 'SCardEstablishContext',
  });
  assert.equal(PcscError.fromCode(0x80100069, 'SCardGetStatusChange').message, 'SCARD_W_REMOVED_CARD (0x80100069): Card was removed.');
});

test('describeCode', () => {
  assert.equal(describeCode(0x8010000f), 'SCARD_E_PROTO_MISMATCH (0x8010000F): Card protocol mismatch.');
  assert.equal(describeCode(0x801000ff), 'unknown PC/SC code (0x801000FF)');
});
