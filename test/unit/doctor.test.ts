// `sc-repro doctor`: which binding and why, when `repro` can run (exit 0) and
// when not (exit 2, with a next step for each thing missing), the text with
// and without colour, and the JSON against `sc-repro schema`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildDoctorReport, type DoctorFacts } from '../../src/orchestrator/doctor-report.js';
import { readerStatus } from '../../src/pcsc/adapter-common.js';
import type { BindingDiagnosis } from '../../src/pcsc/binding.js';
import { bindingChoice } from '../../src/pcsc/load-binding.js';
import { hint } from '../../src/platform/hints.js';
import { renderDoctor } from '../../src/render/doctor-text.js';
import { JSON_SCHEMA } from '../../src/render/json-schema.js';
import { renderJson } from '../../src/render/json.js';
import { out } from '../../src/render/style.js';

const VIRTUAL = 'Virtual PCD 00 00';
const PRESENT = 0x20 | 0x40; // SCARD_STATE_PRESENT | ATRMATCH, as pcsc-lite reports a card
const EMPTY = 0x10;
const ATR = Buffer.from([0x3b, 0x80, 0x80, 0x01, 0x01]);
const NO_SERVICE = {
  code: 0x8010001d,
  hex: '0x8010001D',
  name: 'SCARD_E_NO_SERVICE',
  message: 'Service not available.',
  call: 'SCardEstablishContext',
};

const ffi: BindingDiagnosis = {
  chosen: 'ffi',
  why: 'pcsclite is not installed, so ffi (auto)',
  loaded: true,
  library: 'libpcsclite.so.1',
  layout: 'pcsclite',
  versions: { koffi: '2.9.0', pcsclite: null },
  addonError: 'the pcsclite binding is not installed (it is optional, and needs a C++ toolchain to build)',
};
const vpcdConf = { name: 'libifdvpcd.so', version: 'vsmartcard-vpcd 0.8-2', source: '/etc/reader.conf.d/vpcd' };

function facts(overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    binding: ffi,
    client: 'libpcsclite1 1.9.9-2',
    service: { answers: true, version: 'pcsc-lite version 1.9.9.\nEnabled features: ...' },
    readers: [readerStatus(VIRTUAL, PRESENT, ATR)],
    virtualReader: VIRTUAL,
    vpcd: { configured: vpcdConf },
    platform: 'linux',
    ...overrides,
  };
}

const status = (report: ReturnType<typeof buildDoctorReport>) => Object.fromEntries(report.checks.map((check) => [check.id, check.status]));

test('bindingChoice: the setting first, in the order the loader decides, then whether the addon loads', () => {
  const auto = { choice: 'auto', library: null, layout: null } as const;
  assert.deepEqual(bindingChoice(auto, { installed: false, error: 'not installed' }), {
    chosen: 'ffi',
    why: 'pcsclite is not installed, so ffi (auto)',
  });
  assert.deepEqual(bindingChoice(auto, { installed: true, error: 'wrong NODE_MODULE_VERSION' }), {
    chosen: 'ffi',
    why: 'the pcsclite addon is installed but does not load, so ffi (auto)',
  });
  assert.deepEqual(bindingChoice(auto, { installed: true, error: null }), {
    chosen: 'pcsclite',
    why: 'the pcsclite addon loads, so pcsclite (auto)',
  });
  assert.equal(bindingChoice({ ...auto, layout: 'macos' }, null).why, 'SC_REPRO_FFI_LAYOUT=macos is set, so ffi');
  assert.match(bindingChoice({ ...auto, library: '/x/libpcsclite.so' }, null).why, /^--pcsc-library \(SC_REPRO_PCSC_LIBRARY\) is set/);
  const asked = bindingChoice({ ...auto, choice: 'ffi', layout: 'windows' }, null);
  assert.deepEqual(asked, { chosen: 'ffi', why: 'SC_REPRO_BINDING=ffi (what --binding ffi sets), so ffi' });
  // Asked for, the addon is the choice even when it does not load: the diagnosis then carries its error.
  assert.equal(bindingChoice({ ...auto, choice: 'pcsclite' }, { installed: true, error: 'no build' }).chosen, 'pcsclite');
});

test('a card in reader 0: every check ok, `sc-repro repro` can run, exit 0', () => {
  const report = buildDoctorReport(facts());
  assert.equal(report.exitCode, 0);
  assert.deepEqual(report.canRun, ['sc-repro repro']);
  assert.deepEqual(status(report), { binding: 'ok', service: 'ok', readers: 'ok', card: 'ok', vpcd: 'ok' });
  assert.ok(report.checks.every((check) => check.hint === null));
  assert.equal(report.checks.find((check) => check.id === 'service')!.summary, 'the PC/SC service answers: pcsc-lite version 1.9.9.');
  assert.deepEqual(report.vpcd, {
    reader: VIRTUAL,
    configured: true,
    driver: 'libifdvpcd.so',
    version: 'vsmartcard-vpcd 0.8-2',
    source: '/etc/reader.conf.d/vpcd',
    listed: true,
  });
});

test('the card in another reader: repro can run with --reader naming its index', () => {
  const report = buildDoctorReport(
    facts({ readers: [readerStatus('ACME Reader 00 00', EMPTY, undefined), readerStatus(VIRTUAL, PRESENT, ATR)] }),
  );
  assert.deepEqual(report.canRun, ['sc-repro repro --reader 1']);
  assert.equal(report.exitCode, 0);
});

test('no card, but the vpcd reader is free: --virtual can run, exit 0, and the missing card still has its next step', () => {
  const report = buildDoctorReport(facts({ readers: [readerStatus(VIRTUAL, EMPTY, undefined)] }));
  assert.equal(report.exitCode, 0);
  assert.deepEqual(report.canRun, ['sc-repro repro --virtual']);
  const card = report.checks.find((check) => check.id === 'card')!;
  assert.deepEqual([card.status, card.hint], ['missing', hint('noCard', 'linux')]);
});

test('no card and no vpcd reader: exit 2, with a next step for the card and for vpcd', () => {
  const report = buildDoctorReport(facts({ readers: [readerStatus('ACME Reader 00 00', EMPTY, undefined)], vpcd: { configured: null } }));
  assert.equal(report.exitCode, 2);
  assert.deepEqual(report.canRun, []);
  assert.deepEqual(status(report), { binding: 'ok', service: 'ok', readers: 'ok', card: 'missing', vpcd: 'missing' });
  assert.equal(report.checks.find((check) => check.id === 'vpcd')!.hint, hint('noVpcd', 'linux'));
  assert.equal(report.vpcd!.listed, false);
});

test('vpcd configured but not loaded by the running service: missing, pcscd must restart', () => {
  const report = buildDoctorReport(facts({ readers: [] }));
  const vpcd = report.checks.find((check) => check.id === 'vpcd')!;
  assert.equal(vpcd.status, 'missing');
  assert.match(
    vpcd.summary,
    /configured .* but the service does not list "Virtual PCD 00 00": pcscd reads its configuration only when it starts/,
  );
  assert.deepEqual(status(report), { binding: 'ok', service: 'ok', readers: 'missing', card: 'not-checked', vpcd: 'missing' });
  assert.equal(report.checks.find((check) => check.id === 'readers')!.hint, hint('noReader', 'linux'));
  assert.equal(report.exitCode, 2);
});

test('a card held exclusively by another program, or mute, is not one repro can use now', () => {
  for (const flag of [0x80, 0x200]) {
    const report = buildDoctorReport(facts({ readers: [readerStatus(VIRTUAL, PRESENT | flag, ATR)] }));
    assert.equal(report.exitCode, 2, `state 0x${flag.toString(16)}`);
    const card = report.checks.find((check) => check.id === 'card')!;
    assert.deepEqual([card.status, card.hint], ['missing', hint('readerBusy', 'linux')]);
    assert.match(card.summary, /reader 0: (EXCLUSIVE|MUTE)/);
  }
});

test('the service does not answer: exit 2, its code and the platform hint; readers and cards not checked; vpcd still read', () => {
  const report = buildDoctorReport(facts({ service: { answers: false, error: NO_SERVICE }, readers: null }));
  assert.equal(report.exitCode, 2);
  assert.deepEqual(status(report), { binding: 'ok', service: 'missing', readers: 'not-checked', card: 'not-checked', vpcd: 'ok' });
  const service = report.checks.find((check) => check.id === 'service')!;
  assert.equal(service.summary, 'the PC/SC service does not answer: SCARD_E_NO_SERVICE (0x8010001D): Service not available.');
  assert.equal(service.hint, hint('noService', 'linux'));
  assert.deepEqual(report.service, { answers: false, version: null, error: NO_SERVICE });
  assert.equal(report.readers, null);
  assert.equal(report.vpcd!.listed, null);
});

test('readers listed while the service is said not to answer are not trusted: exit 2', () => {
  const report = buildDoctorReport(facts({ service: { answers: false, error: NO_SERVICE } }));
  assert.equal(report.exitCode, 2);
  assert.equal(report.readers, null);
});

test('a binding that does not load: exit 2, its error and hint, nothing else asked', () => {
  const message = 'the ffi binding could not load the PC/SC library libpcsclite.so.1 (cannot open)';
  const broken: BindingDiagnosis = { ...ffi, loaded: false, error: { message, hint: 'install it' } };
  const report = buildDoctorReport(facts({ binding: broken, service: null, readers: null }));
  assert.equal(report.exitCode, 2);
  assert.deepEqual(status(report), { binding: 'missing', service: 'not-checked', readers: 'not-checked', card: 'not-checked', vpcd: 'ok' });
  const binding = report.checks.find((check) => check.id === 'binding')!;
  assert.match(binding.summary, /^ffi does not load \(pcsclite is not installed, so ffi \(auto\)\): the ffi binding could not load/);
  assert.equal(binding.hint, 'install it');
  assert.deepEqual(report.binding.error, { message: broken.error!.message, hint: 'install it' });
});

test('off Linux there is no vpcd check', () => {
  const report = buildDoctorReport(facts({ vpcd: null, platform: 'darwin' }));
  assert.deepEqual(Object.keys(status(report)), ['binding', 'service', 'readers', 'card']);
  assert.equal(report.vpcd, null);
});

const schema = new Ajv2020({ allErrors: true, strict: true }).compile(JSON_SCHEMA);
const validate = (value: unknown): boolean => schema(value);
const doctorJson = (report: ReturnType<typeof buildDoctorReport>): any => {
  const { exitCode, ...body } = report;
  return JSON.parse(renderJson('doctor', exitCode, body));
};

test('doctor --json as rendered validates against the schema, ready or not; a wrong status, check or missing field does not', () => {
  const ready = doctorJson(buildDoctorReport(facts()));
  assert.ok(validate(ready), JSON.stringify(schema.errors));
  assert.deepEqual([ready.command, ready.ok, ready.exitCode], ['doctor', true, 0]);
  const down = doctorJson(buildDoctorReport(facts({ service: { answers: false, error: NO_SERVICE }, readers: null, vpcd: null })));
  assert.ok(validate(down), JSON.stringify(schema.errors));
  assert.deepEqual([down.ok, down.exitCode], [false, 2]);
  const broken = doctorJson(
    buildDoctorReport(facts({ binding: { ...ffi, loaded: false, error: { message: 'no' } }, service: null, readers: null })),
  );
  assert.ok(validate(broken), JSON.stringify(schema.errors));
  assert.equal(validate({ ...ready, checks: [{ ...ready.checks[0], status: 'warning' }] }), false, 'unknown status');
  assert.equal(validate({ ...ready, checks: [{ ...ready.checks[0], id: 'compiler' }] }), false, 'unknown check');
  assert.equal(validate({ ...ready, binding: { ...ready.binding, chosen: 'napi' } }), false, 'unknown binding');
  const { binding: _, ...withoutBinding } = ready;
  assert.equal(validate(withoutBinding), false, 'binding is required');
  assert.equal(validate({ ...ready, verdict: 'not-affected' }), false, 'a field doctor does not define');
});

test('text: one line per check with its mark, the details under it, next steps, and the last line says whether repro can run', (t) => {
  const level = out.level;
  t.after(() => {
    out.level = level;
  });
  out.level = 0;
  const ready = renderDoctor(buildDoctorReport(facts()));
  const lines = ready.split('\n');
  assert.match(lines[0]!, /^✔ binding {2,}ffi: pcsclite is not installed, so ffi \(auto\)$/);
  assert.match(ready, /^ +library libpcsclite\.so\.1 \(libpcsclite1 1\.9\.9-2\), layout pcsclite; koffi 2\.9\.0, pcsclite not installed$/m);
  assert.match(ready, /^ +the addon: the pcsclite binding is not installed/m);
  assert.match(ready, /^✔ service {2,}the PC\/SC service answers: pcsc-lite version 1\.9\.9\.$/m);
  assert.match(ready, /^ +0: Virtual PCD 00 00 {2}card present \[ATRMATCH\] {2}ATR 3B 80 80 01 01$/m);
  assert.match(ready, /^✔ card {2,}a card in reader 0$/m);
  assert.match(ready, /^✔ vpcd {2,}the vpcd driver is configured/m);
  assert.equal(lines.filter((line) => /^[✔✘-] /.test(line)).length, 5);
  assert.match(ready, /\nrepro can run now: sc-repro repro\n$/);
  assert.doesNotMatch(ready, /\x1b/);

  const down = renderDoctor(buildDoctorReport(facts({ service: { answers: false, error: NO_SERVICE }, readers: null })));
  assert.match(down, /^✘ service {2,}the PC\/SC service does not answer: SCARD_E_NO_SERVICE/m);
  assert.ok(down.includes(`next: ${hint('noService', 'linux')}`), down);
  assert.match(down, /^- readers {2,}not listed: the service does not answer$/m);
  assert.match(down, /\nrepro cannot run yet: do the "next" steps above, then run `sc-repro doctor` again\n$/);

  // A hostile reader name cannot forge a line.
  const hostile = renderDoctor(buildDoctorReport(facts({ readers: [readerStatus('Evil\n✔ card      a card', PRESENT, ATR)] })));
  assert.match(hostile, /^ +0: "Evil\\n✔ card {6}a card" {2}card present/m);
  assert.equal(hostile.split('\n').filter((line) => line.startsWith('✔ card')).length, 1);

  out.level = 1;
  const coloured = renderDoctor(buildDoctorReport(facts()));
  assert.match(coloured, /\x1b\[32m✔\x1b\[39m binding/);
});
