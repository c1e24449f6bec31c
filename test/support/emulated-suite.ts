// The end-to-end tests that each platform emulation passes alike: sc-repro
// through PCSC.framework's or winscard.dll's interface (emulated-cli.ts) gives
// the verdicts of the native run, for `repro`, `--trace`, `--repeat`, the whole
// `matrix` (the direct-mode rows judged), `readers` and `lock`/`connect` by
// hand, and the El Capitan interposer behind the contender's emulation is
// still Apple 23646838, on exactly one row. Registered by the per-platform
// test files, beside the tests of what only that platform does.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { insertCard, removeCard, readerIsFree, readerIsFreeAfterVirtualCard, readerStatus, VIRTUAL_READER } from './pcsc-stack.js';
import { jsonOutput } from './cli.js';
import { buildInterposer } from './interposers.js';
import { markedEnv, processesWithMarker } from './process-table.js';
import { assertEmulatedBinding, deviations, emulatedCli, emulatedMatrix, isDirectRow, type EmulatedCli } from './emulated-cli.js';
import type { EmulationKind } from './emulations.js';

const SV = 'SCARD_E_SHARING_VIOLATION';

/** Registers the shared tests for `kind`; the returned object holds the emulated CLI once the file's `before` hooks ran. */
export function emulatedSuite(kind: EmulationKind, label: string): { cli(): EmulatedCli } {
  let emu: EmulatedCli;
  let elCapitan: string;
  before(async () => {
    emu = await emulatedCli(kind);
    elCapitan = await buildInterposer('el-capitan-proto-mismatch');
  });

  test(`repro --virtual --json through ${label}: not-affected, exit 0, the emulation and its layout named`, async () => {
    const result = await emu.run(['repro', '--virtual', '--json']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = jsonOutput(result.stdout);
    assert.equal(report.verdict, 'not-affected', report.reason);
    assert.equal(report.observed.name, SV);
    assert.equal(report.observed.call, 'SCardConnect');
    assertEmulatedBinding(report, emu);
    assert.equal(report.reader.name, VIRTUAL_READER);
    // The emulation shows an exclusive hold as EXCLUSIVE (unless switched): the third party's look proves it.
    assert.equal(report.precondition.evidence, 'observer');
    assert.ok(report.evidence.readerStateWhileHeld.includes('EXCLUSIVE'), report.evidence.readerStateWhileHeld.join(' '));
  });

  test('repro --virtual --trace: every call of the holder, the contender and the observer, through the emulation', async () => {
    const result = await emu.run(['repro', '--virtual', '--json', '--trace']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = jsonOutput(result.stdout);
    assert.equal(report.verdict, 'not-affected', report.reason);
    const trace: { role: string; call: string; args: Record<string, unknown>; result: string; startMs: number }[] = report.trace;
    const find = (role: string, call: string, mode?: string) =>
      trace.find((entry) => entry.role === role && entry.call === call && (mode === undefined || entry.args.mode === mode));
    const held = find('holder', 'SCardConnect', 'exclusive');
    const refused = find('contender', 'SCardConnect', 'shared');
    const released = find('holder', 'SCardDisconnect');
    assert.ok(held && refused && released, JSON.stringify(trace));
    assert.equal(held.result, 'SCARD_S_SUCCESS');
    assert.equal(held.args.reader, VIRTUAL_READER);
    assert.equal(refused.result, SV);
    assert.equal(released.result, 'SCARD_S_SUCCESS');
    assert.ok(held.startMs < refused.startMs && refused.startMs < released.startMs, JSON.stringify(trace));
    const looks = trace.filter((entry) => entry.role === 'observer' && entry.call === 'SCardGetStatusChange');
    assert.ok(looks.length >= 2, `${looks.length} looks of the observer`);
    assert.ok(
      looks.every((look) => look.result === 'SCARD_S_SUCCESS'),
      JSON.stringify(looks),
    );
  });

  test('repro --virtual --repeat 5: not-affected in every run', async () => {
    const result = await emu.run(['repro', '--virtual', '--json', '--repeat', '5'], { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = jsonOutput(result.stdout);
    assert.equal(report.verdict, 'not-affected', report.reason);
    assert.deepEqual(report.repeat.verdicts, { 'not-affected': 5 });
    assert.deepEqual(report.repeat.outcomes, { [SV]: 5 });
    assertEmulatedBinding(report, emu);
  });

  test(`matrix --virtual through ${label}: the verdicts of the native run, the direct-mode rows judged, exit 0`, async (t) => {
    const { env, marker } = markedEnv();
    const { result, report, rows, why } = await emulatedMatrix(t, emu, [], env);
    assertEmulatedBinding(report, emu);
    assert.ok(rows.length >= 30, `${rows.length} rows`);
    assert.deepEqual(
      rows.filter((row) => row.verdict === 'unexpected' || row.verdict === 'bug-reproduced').map((row) => row.scenario.id),
      [],
      why,
    );
    // Apple's SCardConnect refuses a DIRECT connect that asks for no protocol (SCARD_E_PROTO_MISMATCH): each of these rows meets one.
    const direct = rows.filter(isDirectRow);
    assert.ok(direct.length >= 7, direct.map((row) => row.scenario.id).join(', '));
    for (const row of direct)
      assert.equal(row.verdict, 'not-affected', `${row.scenario.id}: ${row.verdict} ${row.observed}: ${row.reason}`);
    assert.deepEqual(deviations(rows), {}, why);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await readerStatus(VIRTUAL_READER, (s) => !s.cardPresent, 2000)).cardPresent, false);
    assert.deepEqual(processesWithMarker(marker), []);
  });

  test(`readers, lock and connect by hand through ${label}; a direct connection works`, async () => {
    const card = await insertCard();
    try {
      const native = await readerStatus(VIRTUAL_READER);
      const readers = await emu.run(['readers', '--json']);
      assert.equal(readers.code, 0, readers.stdout + readers.stderr);
      const listed = jsonOutput(readers.stdout).readers.find((r: { reader: string }) => r.reader === VIRTUAL_READER);
      assert.ok(listed, readers.stdout);
      assert.equal(listed.cardPresent, true);
      assert.equal(listed.atr, native.atr);

      const lock = emu.start(['lock', '--reader', VIRTUAL_READER, '--hold', '30']);
      try {
        await lock.line(/^Holding the reader with SCARD_SHARE_EXCLUSIVE/, 10_000);
        // The hold taken through the emulation is a real exclusive one: the native stack shows it.
        assert.ok((await readerStatus(VIRTUAL_READER)).flags.includes('EXCLUSIVE'));
        const connect = await emu.run(['connect', '--reader', VIRTUAL_READER, '--json']);
        assert.equal(connect.code, 1, connect.stdout + connect.stderr);
        const refused = jsonOutput(connect.stdout);
        assert.deepEqual(
          { hex: refused.error.hex, name: refused.error.name, mode: refused.mode },
          { hex: '0x8010000B', name: SV, mode: 'shared' },
        );
      } finally {
        lock.child.kill('SIGINT');
      }
      assert.equal((await lock.done).code, 130);
      assert.equal(await readerIsFree(), true);

      const shared = await emu.run(['connect', '--reader', VIRTUAL_READER, '--json']);
      assert.equal(shared.code, 0, shared.stdout + shared.stderr);
      // On ${label} a direct connect must ask for a protocol: with none, SCardConnect answers SCARD_E_PROTO_MISMATCH.
      // PCSC.framework refuses a direct connect that asks for no protocol (SCARD_E_PROTO_MISMATCH): sc-repro asks for T0|T1 there.
      const direct = await emu.run(['connect', '--mode', 'direct', '--reader', VIRTUAL_READER, '--json']);
      assert.equal(direct.code, 0, direct.stdout + direct.stderr);
      assert.deepEqual({ ok: jsonOutput(direct.stdout).ok, mode: jsonOutput(direct.stdout).mode }, { ok: true, mode: 'direct' });
      const directLock = await emu.run(['lock', '--mode', 'direct', '--reader', VIRTUAL_READER, '--hold', '0.2', '--json']);
      assert.equal(directLock.code, 0, directLock.stdout + directLock.stderr);
      assert.equal(jsonOutput(directLock.stdout).reason, 'hold-elapsed');
    } finally {
      await removeCard(card);
    }
  });

  test(`the El Capitan interposer behind the contender's ${label}: repro names Apple 23646838, exit 1`, async () => {
    const result = await emu.run(['repro', '--virtual', '--json', '--contender-env', `SC_REPRO_EMULATION_BACKEND=${elCapitan}`]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const report = jsonOutput(result.stdout);
    assert.equal(report.verdict, 'bug-reproduced', report.reason);
    assert.equal(report.observed.name, 'SCARD_E_PROTO_MISMATCH');
    assert.equal(report.knownBug.vendorBug, '23646838');
    assertEmulatedBinding(report, emu);
    assert.equal(await readerIsFreeAfterVirtualCard(), true);
  });

  test(`the El Capitan interposer behind the contender's ${label}: matrix flags exactly one row, Apple 23646838`, async (t) => {
    const { result, rows, why } = await emulatedMatrix(t, emu, ['--contender-env', `SC_REPRO_EMULATION_BACKEND=${elCapitan}`]);
    assert.deepEqual(deviations(rows), { 'el-capitan-scardconnect': 'bug-reproduced SCARD_E_PROTO_MISMATCH 23646838' }, why);
    assert.equal(result.code, 1, result.stderr);
  });

  return { cli: () => emu };
}
