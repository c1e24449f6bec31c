// The write-up's control case: a second exclusive lock gets a sharing violation
// too (El Capitan answered this one correctly).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack } from '../support/pcsc-stack.js';
import { runCli, startCli, jsonOutput } from '../support/cli.js';

await useStack({ before, after });

test('a second exclusive lock gets SCARD_E_SHARING_VIOLATION and exit 1', async () => {
  const first = startCli(['lock', '--hold', '10']);
  await first.line(/^Holding/);
  const second = await runCli(['lock', '--hold', '1', '--json']);
  first.child.kill('SIGTERM');
  const firstResult = await first.done;
  assert.equal(firstResult.code, 143);
  assert.equal(second.code, 1, second.stderr);
  assert.equal(jsonOutput(second.stdout).error.name, 'SCARD_E_SHARING_VIOLATION');
  assert.match(second.stderr, /SCARD_E_SHARING_VIOLATION \(0x8010000B\)/);
});
