// `sc-repro doctor` against the real stack: on the virtual stack (pcscd, vpcd,
// the built-in card inserted) repro can run, exit 0; with the service
// unreachable it cannot, exit 2, with what to do. Both name the binding and why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readerIsFree, useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { jsonOutput, runCli } from '../support/cli.js';

await useStack({ before, after });

const noService = { PCSCLITE_CSOCK_NAME: '/nonexistent/sc-repro/pcscd.comm' };
const checkStatus = (report: { checks: { id: string; status: string }[] }) =>
  Object.fromEntries(report.checks.map((check) => [check.id, check.status]));

test('doctor --json on the virtual stack: exit 0, the vpcd reader and its card, the binding and why, the service version', async () => {
  const result = await runCli(['doctor', '--json']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(result.stderr, '');
  const report = jsonOutput(result.stdout);
  assert.deepEqual([report.command, report.ok], ['doctor', true]);
  const reader = report.readers.find((r: { reader: string }) => r.reader === VIRTUAL_READER);
  assert.ok(reader, result.stdout);
  assert.deepEqual([reader.cardPresent, reader.atr], [true, '3B 80 80 01 01']);
  assert.ok(['pcsclite', 'ffi'].includes(report.binding.chosen));
  assert.equal(report.binding.loaded, true);
  assert.match(report.binding.why, new RegExp(`so ${report.binding.chosen}\\b`));
  assert.equal(report.binding.library, 'libpcsclite.so.1');
  assert.match(report.binding.versions.koffi, /^\d+\.\d+/);
  assert.equal(report.service.answers, true);
  assert.match(report.service.version, /pcsc-lite version \d/);
  assert.deepEqual(checkStatus(report), { binding: 'ok', service: 'ok', readers: 'ok', card: 'ok', vpcd: 'ok' });
  assert.deepEqual([report.vpcd.configured, report.vpcd.listed, report.vpcd.driver], [true, true, 'libifdvpcd.so']);
  // The card is in reader 0 and the vpcd port is taken by it: plain repro, not --virtual.
  assert.deepEqual(report.canRun, ['sc-repro repro']);
  assert.ok(await readerIsFree(), 'doctor left the reader held');
});

test('doctor as text on the virtual stack: a marked line per check, the reader with its card, the binding and why, no colour under NO_COLOR', async () => {
  const result = await runCli(['doctor']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^✔ binding +(pcsclite|ffi): .*, so (pcsclite|ffi)/m);
  assert.match(result.stdout, /^ +library libpcsclite\.so\.1.*, layout pcsclite; koffi \d/m);
  assert.match(result.stdout, /^✔ service +the PC\/SC service answers: pcsc-lite version/m);
  assert.match(result.stdout, /^ +0: Virtual PCD 00 00 {2}card present.*ATR 3B 80 80 01 01$/m);
  assert.match(result.stdout, /^✔ card +a card in reader 0$/m);
  assert.match(result.stdout, /^✔ vpcd +the vpcd driver is configured/m);
  assert.match(result.stdout, /\nrepro can run now: sc-repro repro\n$/);
  assert.doesNotMatch(result.stdout, /\x1b/);
});

test('--binding ffi doctor says ffi, and that the setting chose it', async () => {
  const report = jsonOutput((await runCli(['--binding', 'ffi', 'doctor', '--json'])).stdout);
  assert.deepEqual(
    [report.binding.chosen, report.binding.why, report.exitCode],
    ['ffi', 'SC_REPRO_BINDING=ffi (what --binding ffi sets), so ffi', 0],
  );
});

test('doctor --json with the service unreachable: exit 2, the service missing with a next step, the binding still named', async () => {
  const result = await runCli(['doctor', '--json'], { env: noService });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.deepEqual([report.ok, report.exitCode, report.canRun], [false, 2, []]);
  assert.equal(report.binding.loaded, true);
  assert.match(report.binding.why, /so (pcsclite|ffi)/);
  const noServiceCode = {
    code: 0x8010001d,
    hex: '0x8010001D',
    name: 'SCARD_E_NO_SERVICE',
    message: 'Service not available.',
    call: 'SCardEstablishContext',
  };
  assert.deepEqual(report.service, { answers: false, version: null, error: noServiceCode });
  assert.equal(report.readers, null);
  assert.deepEqual(checkStatus(report), { binding: 'ok', service: 'missing', readers: 'not-checked', card: 'not-checked', vpcd: 'ok' });
  const service = report.checks.find((check: { id: string }) => check.id === 'service');
  assert.match(service.hint, /pcscd/);
});

test('doctor with the service unreachable, as text: the missing service marked, its next step, exit 2', async () => {
  const result = await runCli(['doctor'], { env: noService });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stdout, /^✔ binding +(pcsclite|ffi): .*, so (pcsclite|ffi)/m);
  assert.match(result.stdout, /^✘ service +the PC\/SC service does not answer: SCARD_E_NO_SERVICE \(0x8010001D\)/m);
  assert.match(result.stdout, /^ +next: .*pcscd/m);
  assert.match(result.stdout, /\nrepro cannot run yet: /);
});
