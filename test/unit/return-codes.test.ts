import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RETURN_CODES, codeOf, formatHex, lookupReturnCode, returnCodeByName } from '../../src/pcsc/return-codes.js';

test('names are unique and each class sits in its winerror.h range', () => {
  assert.equal(new Set(RETURN_CODES.map((entry) => entry.name)).size, RETURN_CODES.length);
  for (const entry of RETURN_CODES) {
    assert.match(entry.name, /^SCARD_[SEFWP]_[A-Z_]+$/);
    assert.ok(Number.isInteger(entry.code) && entry.code >= 0 && entry.code <= 0xffffffff, entry.name);
    assert.match(entry.message, /^\S.*\.\)?$/, entry.name);
    assert.doesNotMatch(entry.message, /\n/, entry.name);
    const kind = entry.name[6];
    if (kind === 'S') assert.equal(entry.code, 0, entry.name);
    else if (kind === 'W') assert.ok(entry.code >= 0x80100065 && entry.code <= 0x80100072, entry.name);
    else assert.ok(entry.code >= 0x80100001 && entry.code <= 0x80100034, entry.name);
  }
});

test('every value from 0x80100001 to 0x80100034 and 0x80100065 to 0x80100072 is covered', () => {
  const ranges: [number, number][] = [
    [0x80100001, 0x80100034],
    [0x80100065, 0x80100072],
  ];
  for (const [first, last] of ranges) {
    for (let code = first; code <= last; code++) assert.ok(lookupReturnCode(code), formatHex(code));
  }
  assert.equal(lookupReturnCode(0x80100035), undefined);
  assert.equal(lookupReturnCode(0x80100064), undefined);
});

test('only the two platform-dependent values are shared by two names', () => {
  const byCode = new Map<number, string[]>();
  for (const { code, name } of RETURN_CODES) byCode.set(code, [...(byCode.get(code) ?? []), name]);
  const shared = [...byCode.values()].filter((names) => names.length > 1);
  assert.deepEqual(shared, [['SCARD_W_SECURITY_VIOLATION', 'SCARD_W_INSERTED_CARD']]);
});

test('the codes this tool reasons about have their exact values and pcsc-lite texts', () => {
  const expected: [string, number, string][] = [
    ['SCARD_S_SUCCESS', 0, 'Command successful.'],
    ['SCARD_F_INTERNAL_ERROR', 0x80100001, 'Internal error.'],
    ['SCARD_E_CANCELLED', 0x80100002, 'Command cancelled.'],
    ['SCARD_F_WAITED_TOO_LONG', 0x80100007, 'Waited too long.'],
    ['SCARD_F_UNKNOWN_ERROR', 0x80100014, 'Unknown error.'],
    ['SCARD_E_TIMEOUT', 0x8010000a, 'Command timeout.'],
    ['SCARD_E_SHARING_VIOLATION', 0x8010000b, 'Sharing violation.'],
    ['SCARD_E_NO_SMARTCARD', 0x8010000c, 'No smart card inserted.'],
    ['SCARD_E_PROTO_MISMATCH', 0x8010000f, 'Card protocol mismatch.'],
    ['SCARD_F_COMM_ERROR', 0x80100013, 'RPC transport error.'],
    ['SCARD_P_SHUTDOWN', 0x80100018, 'Operation aborted because the service is shutting down.'],
    ['SCARD_E_NO_SERVICE', 0x8010001d, 'Service not available.'],
    ['SCARD_E_SERVICE_STOPPED', 0x8010001e, 'Service was stopped.'],
    ['SCARD_E_NO_READERS_AVAILABLE', 0x8010002e, 'Cannot find a smart card reader.'],
    ['SCARD_E_COMM_DATA_LOST', 0x8010002f, 'A communications error with the smart card has been detected.'],
    ['SCARD_W_UNSUPPORTED_CARD', 0x80100065, 'Card is not supported.'],
    ['SCARD_W_RESET_CARD', 0x80100068, 'Card was reset.'],
    ['SCARD_W_REMOVED_CARD', 0x80100069, 'Card was removed.'],
    ['SCARD_W_EOF', 0x8010006d, 'End of file.'],
  ];
  for (const [name, code, message] of expected) {
    assert.deepEqual(returnCodeByName(name), { name, code, message }, name);
    assert.equal(lookupReturnCode(code)?.name, name, formatHex(code));
  }
  assert.equal(returnCodeByName(' scard_e_sharing_violation ')?.code, 0x8010000b);
  assert.equal(returnCodeByName('SCARD_E_NOPE'), undefined);
});

test('0x8010001F is named as the platform that answered names it: SCARD_E_UNSUPPORTED_FEATURE on pcsc-lite and macOS, SCARD_E_UNEXPECTED on Windows', () => {
  for (const naming of ['pcsclite', 'macos'] as const) {
    const entry = lookupReturnCode(0x8010001f, naming);
    assert.deepEqual(
      [entry?.name, entry?.alias, entry?.message],
      ['SCARD_E_UNSUPPORTED_FEATURE', 'SCARD_E_UNEXPECTED', 'Feature not supported.'],
      naming,
    );
    assert.equal(returnCodeByName('SCARD_E_UNSUPPORTED_FEATURE', naming)?.code, 0x8010001f, naming);
    assert.equal(codeOf('SCARD_E_UNSUPPORTED_FEATURE', naming), 0x8010001f, naming);
  }
  assert.equal(lookupReturnCode(0x8010001f, 'windows')?.name, 'SCARD_E_UNEXPECTED');
  assert.equal(lookupReturnCode(0x80100022, 'windows')?.name, 'SCARD_E_UNSUPPORTED_FEATURE');
  assert.equal(codeOf('SCARD_E_UNSUPPORTED_FEATURE', 'windows'), 0x80100022);
  assert.equal(codeOf('SCARD_E_UNEXPECTED', 'pcsclite'), 0x8010001f);
});

test('0x8010006A is SCARD_W_INSERTED_CARD on macOS, SCARD_W_SECURITY_VIOLATION elsewhere', () => {
  assert.equal(lookupReturnCode(0x8010006a, 'macos')?.name, 'SCARD_W_INSERTED_CARD');
  for (const naming of ['pcsclite', 'windows'] as const) {
    const entry = lookupReturnCode(0x8010006a, naming);
    assert.deepEqual([entry?.name, entry?.alias], ['SCARD_W_SECURITY_VIOLATION', 'SCARD_W_INSERTED_CARD'], naming);
  }
  assert.equal(returnCodeByName('SCARD_W_INSERTED_CARD', 'windows')?.message, 'Card was inserted.');
});

test('without a naming, SC_REPRO_FFI_LAYOUT decides whose names', () => {
  const before = process.env.SC_REPRO_FFI_LAYOUT;
  try {
    process.env.SC_REPRO_FFI_LAYOUT = 'windows';
    assert.equal(lookupReturnCode(0x8010001f)?.name, 'SCARD_E_UNEXPECTED');
    process.env.SC_REPRO_FFI_LAYOUT = 'macos';
    assert.equal(lookupReturnCode(0x8010001f)?.name, 'SCARD_E_UNSUPPORTED_FEATURE');
  } finally {
    if (before === undefined) delete process.env.SC_REPRO_FFI_LAYOUT;
    else process.env.SC_REPRO_FFI_LAYOUT = before;
  }
});

test('formatHex and lookup accept signed 32-bit values', () => {
  assert.equal(formatHex(-2146435061), '0x8010000B');
  assert.equal(formatHex(0x8010000b), '0x8010000B');
  assert.equal(formatHex(-2146435039), '0x80100021');
  assert.equal(formatHex(0x6f7), '0x000006F7');
  assert.equal(formatHex(0), '0x00000000');
  assert.equal(lookupReturnCode(-2146435061)?.name, 'SCARD_E_SHARING_VIOLATION');
  assert.equal(lookupReturnCode(0x8010000b | 0)?.name, 'SCARD_E_SHARING_VIOLATION');
});
