// The Windows code path, run on Linux: sc-repro's ffi binding calls the
// winscard.dll (x64) emulation (test/fixtures/emulations/winscard.c: the A and
// W names, ULONG_PTR handles, the 64-byte SCARD_READERSTATE, SCardStatus's
// state as Windows' enumeration) with SC_REPRO_FFI_LAYOUT=windows, and the
// emulation forwards to pcscd. The stack underneath is pcsc-lite, so every
// command gives the verdicts of the native run: `repro`, the whole `matrix`
// (the direct-mode rows too), `readers`, `lock`/`connect`, `--trace` and
// `--repeat`. The El Capitan interposer behind the contender's emulation is
// still Apple 23646838, on exactly one row. With the emulation's non-ASCII
// switch every reader is named "<name> é": the name must survive the trip
// through the W functions (UTF-16), both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, insertCard, removeCard, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { jsonOutput } from '../support/cli.js';
import { assertEmulatedBinding } from '../support/emulated-cli.js';
import { emulatedSuite } from '../support/emulated-suite.js';

await useStack({ before, after }, { card: false });

/** The virtual reader as the emulation shows it with SC_REPRO_EMULATION_NON_ASCII=1 (é is U+00E9). */
const NON_ASCII_READER = `${VIRTUAL_READER} \u00e9`;
const suite = emulatedSuite('windows', 'winscard.dll');
const win = () => suite.cli();

test('a reader named with a non-ASCII character: listed, chosen and reported intact through the W functions', async () => {
  const env = { SC_REPRO_EMULATION_NON_ASCII: '1' };
  const card = await insertCard();
  try {
    const readers = await win().run(['readers', '--json'], { env });
    assert.equal(readers.code, 0, readers.stdout + readers.stderr);
    const listed = jsonOutput(readers.stdout).readers;
    assert.ok(
      listed.some((r: { reader: string }) => r.reader === NON_ASCII_READER),
      JSON.stringify(listed.map((r: { reader: string }) => r.reader)),
    );
    // Its state comes from SCardGetStatusChangeW with that name: a name that did not map back would not show the card.
    const shown = listed.find((r: { reader: string }) => r.reader === NON_ASCII_READER);
    assert.equal(shown.cardPresent, true);

    const connect = await win().run(['connect', '--reader', NON_ASCII_READER, '--json'], { env });
    assert.equal(connect.code, 0, connect.stdout + connect.stderr);
    assert.equal(jsonOutput(connect.stdout).reader, NON_ASCII_READER);

    const named = await win().run(['repro', '--json', '--reader', NON_ASCII_READER], { env });
    assert.equal(named.code, 0, named.stdout + named.stderr);
    const report = jsonOutput(named.stdout);
    assert.equal(report.verdict, 'not-affected', report.reason);
    assert.equal(report.reader.name, NON_ASCII_READER);
    assert.equal(report.manual.holder, `sc-repro lock --reader '${NON_ASCII_READER}' --mode exclusive --hold 10`);
    assertEmulatedBinding(report, win());
  } finally {
    await removeCard(card);
  }
  // --virtual picks the vpcd reader by part of its name (it conflicts with --reader): the same reader, its full name reported.
  const result = await win().run(['repro', '--virtual', '--json'], { env });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'not-affected', report.reason);
  assert.equal(report.reader.name, NON_ASCII_READER);
});
