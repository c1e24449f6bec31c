import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PcscError, isEnvironmentCode, parsePcscError } from '../../src/pcsc/pcsc-error.js';
import { EXIT } from '../../src/core/exit-codes.js';

const SHARING_VIOLATION = 0x8010000b;

test('parses every spelling of the code the binding produces', () => {
  const messages = [
    'SCardConnect error: Sharing violation.(0x8010000b)',
    'SCardConnect error: Sharing violation.(0X8010000B)',
    'SCardConnect error: Sharing violation. 0x8010000B',
    'SCardConnect error: Sharing violation.(8010000b)',
    'SCardConnect error: Sharing violation.(-2146435061)',
    'SCardConnect error: Sharing violation. 2148532235',
    'SCardConnect error: Sharing violation.2148532235',
    // A 64-bit long holding a sign-extended LONG.
    'SCardConnect error: Sharing violation.(0xffffffff8010000b)',
    // Windows: FormatMessage text ends in CR/LF and may be localized.
    'SCardConnect error: The smart card cannot be accessed because of other connections outstanding.\r\n(0x8010000b)',
    'SCardConnect error: Die Smartcard kann nicht verwendet werden, 2 Verbindungen sind offen.\r\n(0x8010000b)',
    // Another code-looking number earlier in the text: the last one counts.
    'SCardConnect error: Zugriff (0x80100069) verweigert.\r\n(0x8010000b)\r\n',
  ];
  for (const message of messages) {
    const info = parsePcscError(new Error(message));
    assert.ok(info, message);
    assert.deepEqual(info, {
      code: SHARING_VIOLATION,
      hex: '0x8010000B',
      name: 'SCARD_E_SHARING_VIOLATION',
      message: 'Sharing violation.',
      call: 'SCardConnect',
    });
  }
});

test('takes the call name from the binding prefix, and accepts strings', () => {
  const info = parsePcscError('SCardEstablishContext error: Service not available.(0x8010001d)');
  assert.equal(info?.call, 'SCardEstablishContext');
  assert.equal(info?.name, 'SCARD_E_NO_SERVICE');
  assert.equal(parsePcscError('SCardGetStatusChange error: Card was removed.(0x80100069)')?.call, 'SCardGetStatusChange');
  const bare = parsePcscError(new Error('Sharing violation (0x8010000B)'));
  assert.equal(bare?.code, SHARING_VIOLATION);
  assert.equal(bare?.call, null);
});

test('0x8010001F is named as the platform interface in use names it', () => {
  const before = process.env.SC_REPRO_FFI_LAYOUT;
  try {
    for (const [layout, name] of [
      ['pcsclite', 'SCARD_E_UNSUPPORTED_FEATURE'],
      ['macos', 'SCARD_E_UNSUPPORTED_FEATURE'],
      ['windows', 'SCARD_E_UNEXPECTED'],
    ]) {
      process.env.SC_REPRO_FFI_LAYOUT = layout;
      const info = parsePcscError(new Error('SCardTransmit error: Feature not supported.(0x8010001f)'));
      assert.deepEqual([info?.name, info?.hex], [name, '0x8010001F'], layout);
    }
  } finally {
    if (before === undefined) delete process.env.SC_REPRO_FFI_LAYOUT;
    else process.env.SC_REPRO_FFI_LAYOUT = before;
  }
});

test('an unknown code is kept as a number with no name', () => {
  const info = parsePcscError(new Error('SCardTransmit error: Something new.(0x80100099)'));
  assert.deepEqual(info, {
    code: 0x80100099,
    hex: '0x80100099',
    name: null,
    message: 'Something new.',
    call: 'SCardTransmit',
  });
  // Windows SCard calls can fail with plain Win32 codes.
  const win32 = parsePcscError(new Error('SCardTransmit error: The stub received bad data.\r\n(0x000006f7)'));
  assert.equal(win32?.code, 0x6f7);
  assert.equal(win32?.hex, '0x000006F7');
  assert.equal(win32?.name, null);
  assert.equal(win32?.message, 'The stub received bad data.');
  assert.equal(new PcscError(win32!).message, 'unknown PC/SC code (0x000006F7): The stub received bad data.');
});

test('messages without a PC/SC code are not PC/SC errors', () => {
  for (const error of [
    new Error('Card Reader not connected'),
    new Error('First argument must be an integer'),
    new Error('listen EADDRINUSE 0x1234'),
    new Error('read ECONNRESET at 0x7fff5fbff8c8'),
    new Error('timed out after 2148532235ms'),
    new Error('pid 1234567890 exited'),
    new Error(''),
    'no code here',
    undefined,
    null,
    42,
    { message: 7 },
    // Errors that crossed a process boundary arrive as reports, never as objects to parse.
    { message: 'SCardGetStatusChange error: Card was removed.(0x80100069)' },
  ]) {
    assert.equal(parsePcscError(error), undefined, String(error));
    assert.equal(PcscError.from(error), undefined, String(error));
  }
});

test('PcscError carries the code and renders name (hex): meaning', () => {
  const error = PcscError.from(new Error('SCardEstablishContext error: Service not available.(0x8010001d)'));
  assert.ok(error instanceof PcscError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'PcscError');
  assert.equal(error.code, 0x8010001d);
  assert.equal(error.toJSON().hex, '0x8010001D');
  assert.equal(error.scardName, 'SCARD_E_NO_SERVICE');
  assert.equal(error.call, 'SCardEstablishContext');
  assert.equal(error.message, 'SCARD_E_NO_SERVICE (0x8010001D): Service not available.');
  assert.deepEqual(error.toJSON(), {
    code: 0x8010001d,
    hex: '0x8010001D',
    name: 'SCARD_E_NO_SERVICE',
    message: 'Service not available.',
    call: 'SCardEstablishContext',
  });
  assert.equal(JSON.parse(JSON.stringify(error)).name, 'SCARD_E_NO_SERVICE');
  assert.equal(PcscError.from(error), error);
});

test('PcscError.fromCode builds the same error the binding would have given', () => {
  const error = PcscError.fromCode(0x80100069, 'SCardGetStatusChange');
  assert.equal(error.message, 'SCARD_W_REMOVED_CARD (0x80100069): Card was removed.');
  assert.equal(error.call, 'SCardGetStatusChange');
  const removed = {
    code: 0x80100069,
    hex: '0x80100069',
    name: 'SCARD_W_REMOVED_CARD',
    message: 'Card was removed.',
    call: 'SCardGetStatusChange',
  };
  assert.deepEqual(error.toJSON(), removed);
  assert.deepEqual(parsePcscError('SCardGetStatusChange error: Card was removed.(0x80100069)'), removed);
  const signed = PcscError.fromCode(-2146435061, null);
  assert.equal(signed.code, SHARING_VIOLATION);
  assert.equal(signed.scardName, 'SCARD_E_SHARING_VIOLATION');
  assert.equal(signed.call, null);
  assert.equal(PcscError.fromCode(0x80100099, 'SCardConnect').scardName, null);
});

test('the message names the code, or says what this tool saw in its place', () => {
  assert.equal(PcscError.fromCode(SHARING_VIOLATION, null).message, 'SCARD_E_SHARING_VIOLATION (0x8010000B): Sharing violation.');
  assert.equal(PcscError.fromCode(0x8010000f, null).message, 'SCARD_E_PROTO_MISMATCH (0x8010000F): Card protocol mismatch.');
  assert.equal(PcscError.fromCode(-2146435061, null).message, 'SCARD_E_SHARING_VIOLATION (0x8010000B): Sharing violation.');
  assert.equal(PcscError.fromCode(0x80100099, null).message, 'unknown PC/SC code (0x80100099): Unknown PC/SC error.');
  const waited = PcscError.named('SCARD_E_NO_SMARTCARD', 'SCardGetStatusChange', 'no card was inserted into "R" within 1 s');
  assert.equal(waited.message, 'SCARD_E_NO_SMARTCARD: no card was inserted into "R" within 1 s');
  assert.equal(waited.toJSON().name, 'SCARD_E_NO_SMARTCARD');
});

test('environment codes exit 2 with a hint; an answer of the stack exits 1', () => {
  for (const name of ['SCARD_E_NO_SERVICE', 'SCARD_E_NO_SMARTCARD', 'SCARD_W_REMOVED_CARD', 'SCARD_E_UNKNOWN_READER'] as const) {
    const error = PcscError.named(name, null);
    assert.equal(error.exitCode, EXIT.environment, name);
    assert.equal(isEnvironmentCode(error.code), true, name);
  }
  assert.match(PcscError.named('SCARD_E_NO_SERVICE', null).toReport().hint ?? '', /pcscd|macOS|SCardSvr/);
  const answer = PcscError.named('SCARD_E_SHARING_VIOLATION', 'SCardConnect');
  assert.equal(answer.exitCode, EXIT.failed);
  assert.equal(isEnvironmentCode(answer.code), false);
  // No hint: the stack answered, nothing in the environment needs fixing.
  assert.deepEqual(answer.toReport(), {
    message: 'SCARD_E_SHARING_VIOLATION (0x8010000B): Sharing violation.',
    error: {
      code: SHARING_VIOLATION,
      hex: '0x8010000B',
      name: 'SCARD_E_SHARING_VIOLATION',
      message: 'Sharing violation.',
      call: 'SCardConnect',
    },
  });
});
