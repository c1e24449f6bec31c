import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RETURN_CODES, formatHex, lookupReturnCode, returnCodeByName } from '../../src/pcsc/return-codes.js';

test('names are unique and every code is S_SUCCESS or in the 0x8010xxxx range', () => {
  assert.equal(new Set(RETURN_CODES.map((entry) => entry.name)).size, RETURN_CODES.length);
  for (const entry of RETURN_CODES) {
    assert.match(entry.name, /^SCARD_[SEFWP]_[A-Z_]+$/);
    assert.ok(entry.code === 0 || (entry.code >>> 16) === 0x8010, entry.name);
    assert.ok(entry.message.length > 0, entry.name);
  }
});

test('the codes this tool reasons about have their pcsc-lite values', () => {
  const expected: Record<string, number> = {
    SCARD_S_SUCCESS: 0,
    SCARD_E_CANCELLED: 0x80100002,
    SCARD_E_TIMEOUT: 0x8010000a,
    SCARD_E_SHARING_VIOLATION: 0x8010000b,
    SCARD_E_NO_SMARTCARD: 0x8010000c,
    SCARD_E_PROTO_MISMATCH: 0x8010000f,
    SCARD_E_NO_SERVICE: 0x8010001d,
    SCARD_E_SERVICE_STOPPED: 0x8010001e,
    SCARD_E_NO_READERS_AVAILABLE: 0x8010002e,
    SCARD_W_RESET_CARD: 0x80100068,
    SCARD_W_REMOVED_CARD: 0x80100069,
  };
  for (const [name, code] of Object.entries(expected)) {
    assert.equal(returnCodeByName(name)?.code, code, name);
    assert.equal(lookupReturnCode(code)?.name, name, formatHex(code));
  }
});

test('0x8010001F is SCARD_E_UNEXPECTED, with pcsc-lite\'s SCARD_E_UNSUPPORTED_FEATURE as alias', () => {
  const entry = lookupReturnCode(0x8010001f);
  assert.equal(entry?.name, 'SCARD_E_UNEXPECTED');
  assert.equal(entry?.alias, 'SCARD_E_UNSUPPORTED_FEATURE');
  assert.equal(returnCodeByName('SCARD_E_UNSUPPORTED_FEATURE')?.code, 0x80100022);
});

test('formatHex and lookup accept signed 32-bit values', () => {
  assert.equal(formatHex(-2146435061), '0x8010000B');
  assert.equal(formatHex(0x8010000b), '0x8010000B');
  assert.equal(formatHex(0), '0x00000000');
  assert.equal(lookupReturnCode(-2146435061)?.name, 'SCARD_E_SHARING_VIOLATION');
});
