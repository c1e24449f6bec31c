// Which binding and which interface a process uses comes from its environment
// (the CLI sets it, role processes inherit it): the rules, and their one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindingSetting } from '../../src/pcsc/load-binding.js';
import { UsageError } from '../../src/core/errors.js';

test('no setting: auto, the platform library, the platform interface', () => {
  assert.deepEqual(bindingSetting({}), { choice: 'auto', library: null, layout: null });
});

test('SC_REPRO_FFI_LAYOUT names an interface for the ffi binding', () => {
  assert.deepEqual(bindingSetting({ SC_REPRO_FFI_LAYOUT: 'windows', SC_REPRO_PCSC_LIBRARY: '/x/winscard.so' }), {
    choice: 'auto',
    library: '/x/winscard.so',
    layout: 'windows',
  });
  assert.equal(bindingSetting({ SC_REPRO_FFI_LAYOUT: 'macos', SC_REPRO_BINDING: 'ffi' }).layout, 'macos');
});

test('an unknown interface, or one asked of the npm binding, is bad usage', () => {
  assert.throws(
    () => bindingSetting({ SC_REPRO_FFI_LAYOUT: 'os2' }),
    (error: unknown) =>
      error instanceof UsageError && /SC_REPRO_FFI_LAYOUT must be one of pcsclite, macos, windows, got 'os2'/.test(error.message),
  );
  assert.throws(
    () => bindingSetting({ SC_REPRO_FFI_LAYOUT: 'macos', SC_REPRO_BINDING: 'pcsclite' }),
    (error: unknown) => error instanceof UsageError && /leave out --binding pcsclite/.test(error.message),
  );
});
