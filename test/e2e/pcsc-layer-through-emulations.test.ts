// sc-repro's pcsc layer itself through each platform emulation, in a process
// of its own: what no command prints. The same value, 0x8010001F from
// pcsc-lite, is named as the platform that answered names it (PCSC.framework:
// SCARD_E_UNSUPPORTED_FEATURE; winscard.dll answers 0x80100022, its own
// SCARD_E_UNSUPPORTED_FEATURE); SCardStatus's state reads as the same bits
// whether the library gave bits (macOS) or Windows' enumeration; and a reader
// name with an é comes back intact through the W calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useStack } from '../support/pcsc-stack.js';
import { buildEmulation, type EmulationKind } from '../support/emulations.js';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('../support/pcsc-layer-probe.ts', import.meta.url));

await useStack({ before, after });

const libraries: Partial<Record<EmulationKind, string>> = {};
before(async () => {
  libraries.macos = await buildEmulation('macos');
  libraries.windows = await buildEmulation('windows');
});

async function probe(layout: EmulationKind, env: NodeJS.ProcessEnv = {}) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE], {
    env: { ...process.env, SC_REPRO_BINDING: 'ffi', SC_REPRO_PCSC_LIBRARY: libraries[layout], SC_REPRO_FFI_LAYOUT: layout, ...env },
    timeout: 30_000,
  });
  return JSON.parse(stdout);
}

// pcsclite.h: SCARD_PRESENT 0x0004, SCARD_POWERED 0x0010, SCARD_NEGOTIABLE 0x0020, SCARD_SPECIFIC 0x0040.
const CARD_STATES = new Set([0x0004, 0x0010, 0x0020, 0x0040]);
const highestBit = (state: number) => 1 << (31 - Math.clz32(state & 0xffff));

test('PCSC.framework: 0x8010001F is SCARD_E_UNSUPPORTED_FEATURE, SCardStatus gives bits', async () => {
  const result = await probe('macos');
  assert.deepEqual(result.info, { name: 'ffi', version: result.info.version, library: libraries.macos, layout: 'macos' });
  assert.deepEqual(result.attribute, { code: 0x8010001f, name: 'SCARD_E_UNSUPPORTED_FEATURE' });
  assert.equal(result.status.reader, 'Virtual PCD 00 00');
  // Bits: a card present and powered shows several at once (pcsc-lite 1.9.9: PRESENT | POWERED | NEGOTIABLE).
  assert.equal(result.status.state & 0x0014, 0x0014, result.status.state.toString(16));
});

test("winscard.dll: 0x80100022 is SCARD_E_UNSUPPORTED_FEATURE, SCardStatus's enumeration reads as one state bit", async () => {
  const result = await probe('windows');
  assert.deepEqual(result.info, { name: 'ffi', version: result.info.version, library: libraries.windows, layout: 'windows' });
  assert.deepEqual(result.attribute, { code: 0x80100022, name: 'SCARD_E_UNSUPPORTED_FEATURE' });
  // Windows gives one value of its enumeration: the highest state of the same card, read back as that one bit.
  assert.ok(CARD_STATES.has(result.status.state), result.status.state.toString(16));
  const sameCardAsBits = (await probe('macos')).status.state;
  assert.equal(result.status.state, highestBit(sameCardAsBits), `${result.status.state.toString(16)} from ${sameCardAsBits.toString(16)}`);
});

test('winscard.dll: a reader named with an é is listed, connected and reported intact through the W calls', async () => {
  const result = await probe('windows', { SC_REPRO_EMULATION_NON_ASCII: '1' });
  assert.ok(result.readers.includes('Virtual PCD 00 00 é'), JSON.stringify(result.readers));
  assert.equal(result.status.reader, 'Virtual PCD 00 00 é');
});
