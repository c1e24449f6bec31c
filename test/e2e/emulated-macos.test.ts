// The macOS code path, run on Linux: sc-repro's ffi binding calls the
// PCSC.framework emulation (test/fixtures/emulations/pcsc-framework.c: int32
// handles, the packed 61-byte SCARD_READERSTATE, Apple's SCardConnect that
// refuses a request with no protocol bit) with SC_REPRO_FFI_LAYOUT=macos, and
// the emulation forwards to pcscd. The stack underneath is pcsc-lite, so every
// command gives the verdicts of the native run (test/support/emulated-suite.ts): `repro`, the whole `matrix`
// (the direct-mode rows too), `readers`, `lock`/`connect`, `--trace` and
// `--repeat`. The El Capitan interposer behind the contender's emulation is
// still Apple 23646838, on exactly one row. With the emulation's INUSE-only
// switch (a stack that shows an exclusive hold as INUSE) the holder proves its
// hold itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFreeAfterVirtualCard } from '../support/pcsc-stack.js';
import { jsonOutput } from '../support/cli.js';
import { assertEmulatedBinding, deviations, emulatedMatrix } from '../support/emulated-cli.js';
import { emulatedSuite } from '../support/emulated-suite.js';

await useStack({ before, after }, { card: false });

const SV = 'SCARD_E_SHARING_VIOLATION';
const suite = emulatedSuite('macos', 'PCSC.framework');
const mac = () => suite.cli();

test("a stack that shows an exclusive hold as INUSE: repro --repeat 20 is not-affected 20 of 20, the holder's evidence, INUSE reported", async () => {
  const env = { SC_REPRO_EMULATION_INUSE_ONLY: '1' };
  const result = await mac().run(['repro', '--virtual', '--json', '--repeat', '20'], { env, timeoutMs: 120_000 });
  const report = jsonOutput(result.stdout);
  assert.deepEqual(report.repeat?.verdicts, { 'not-affected': 20 }, `${report.verdict}: ${report.reason}\n${result.stderr}`);
  assert.deepEqual(report.repeat.outcomes, { [SV]: 20 });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(report.precondition.evidence, 'holder');
  assert.equal(report.evidence.precondition, 'holder');
  // What the third party saw: the hold as INUSE, never EXCLUSIVE.
  assert.ok(report.evidence.readerStateWhileHeld.includes('INUSE'), report.evidence.readerStateWhileHeld.join(' '));
  assert.ok(!report.evidence.readerStateWhileHeld.includes('EXCLUSIVE'), report.evidence.readerStateWhileHeld.join(' '));
  assertEmulatedBinding(report, mac());
  assert.equal(await readerIsFreeAfterVirtualCard(), true);
});

test("a stack that shows an exclusive hold as INUSE: matrix --virtual judges every row, exclusive holds on the holder's evidence", async (t) => {
  const { result, rows, why } = await emulatedMatrix(t, mac(), [], { SC_REPRO_EMULATION_INUSE_ONLY: '1' });
  assert.deepEqual(deviations(rows), {}, why);
  assert.equal(result.code, 0, result.stderr);
  const exclusiveHolds = rows.filter(
    (row) => row.scenario.id.startsWith('share-exclusive-') || row.scenario.id === 'el-capitan-scardconnect',
  );
  assert.equal(exclusiveHolds.length, 3);
  for (const row of exclusiveHolds) assert.equal(row.precondition.evidence, 'holder', row.scenario.id);
});
