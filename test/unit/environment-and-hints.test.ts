import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOsRelease, parsePcscdVersion } from '../../src/platform/environment.js';
import { hint, hintForCode } from '../../src/platform/hints.js';
import { decodeReaderState, formatAtr } from '../../src/pcsc/constants.js';

test('os-release fields', () => {
  const fields = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');
  assert.equal(fields.PRETTY_NAME, 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(fields.VERSION_ID, '12');
  assert.equal(fields.ID, 'debian');
});

test('pcscd --version', () => {
  assert.equal(parsePcscdVersion('pcsc-lite version 1.9.9.\nCopyright (C) 1999-2002 by David Corcoran'), 'pcsc-lite 1.9.9');
  assert.equal(parsePcscdVersion('pcsc-lite version 2.3.0.'), 'pcsc-lite 2.3.0');
  assert.equal(parsePcscdVersion(null), null);
});

test('no-service hints differ per OS', () => {
  assert.match(hintForCode('SCARD_E_NO_SERVICE', 'linux')!, /pcscd/);
  assert.match(hintForCode('SCARD_E_SERVICE_STOPPED', 'darwin')!, /built into macOS/);
  assert.match(hintForCode('SCARD_E_NO_SERVICE', 'win32')!, /SCardSvr/);
  assert.match(hint('noCard', 'win32'), /insert a card/);
  assert.equal(hintForCode('SCARD_E_SHARING_VIOLATION', 'linux'), undefined);
  assert.equal(hintForCode(null, 'linux'), undefined);
});

test('reader state bits', () => {
  // pcsc-lite puts an event counter in the high word; CHANGED is about the event.
  assert.deepEqual(decodeReaderState(0x000100a2), ['PRESENT', 'EXCLUSIVE']);
  assert.deepEqual(decodeReaderState(0x12), ['EMPTY']);
  assert.deepEqual(decodeReaderState(0x0322), ['PRESENT', 'INUSE', 'MUTE']);
  assert.equal(formatAtr(Buffer.from([0x3b, 0x80, 0x80, 0x01, 0x01])), '3B 80 80 01 01');
  assert.equal(formatAtr(Buffer.alloc(0)), null);
});
