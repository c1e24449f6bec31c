// The ffi binding loads the library it is asked for on every load, not only
// on the first: a process may open the platform's own library (the third
// party's view under the npm binding) and --pcsc-library both. Loading a
// library only opens it: no service is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BindingUnavailableError } from '../../src/pcsc/adapter-common.js';
import { ffiBinding } from '../../src/pcsc/ffi-adapter.js';
import { activeLayout } from '../../src/pcsc/ffi-layouts.js';

test('after the platform library, a --pcsc-library that does not exist is tried, and the error names it', () => {
  const platform = ffiBinding(null);
  assert.equal(platform.info.library, activeLayout().library);
  const missing = join(tmpdir(), `sc-repro-no-such-library-${process.pid}.so`);
  assert.throws(
    () => ffiBinding(missing),
    (error: unknown) =>
      error instanceof BindingUnavailableError &&
      error.message.startsWith(`the ffi binding could not load the PC/SC library ${missing} (`) &&
      error.hint === 'check the --pcsc-library path',
  );
  // The failed load left the one before it as it was.
  assert.equal(ffiBinding(null).info.library, activeLayout().library);
});
