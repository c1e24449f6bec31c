// The PC/SC service unreachable: pcsc-lite's client honours PCSCLITE_CSOCK_NAME,
// so pointing it at a missing socket gives SCARD_E_NO_SERVICE without stopping pcscd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, jsonOutput } from '../support/cli.js';

const noService = { PCSCLITE_CSOCK_NAME: '/nonexistent/sc-repro/pcscd.comm' };

for (const args of [['readers'], ['connect'], ['lock', '--hold', '1']]) {
  test(`${args[0]} without a service: SCARD_E_NO_SERVICE, a hint, exit 2`, async () => {
    const result = await runCli(args, { env: noService });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 2, result.stderr);
    assert.match(lines[0]!, /^sc-repro: error: SCARD_E_NO_SERVICE \(0x8010001D\): Service not available\.$/);
    assert.match(lines[1]!, /^hint: start the PC\/SC daemon: .*pcscd/);
  });
}

test('connect --json without a service prints the error object', async () => {
  const result = await runCli(['connect', '--json'], { env: noService });
  assert.equal(result.code, 2);
  const report = jsonOutput(result.stdout);
  assert.deepEqual(
    { ok: report.ok, name: report.error.name, hex: report.error.hex, code: report.error.code },
    { ok: false, name: 'SCARD_E_NO_SERVICE', hex: '0x8010001D', code: 0x8010001d },
  );
  assert.match(report.hint, /pcscd/);
});
