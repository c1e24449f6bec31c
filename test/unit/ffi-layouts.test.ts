// The FFI layouts are data: koffi's size and field offsets for each
// platform's SCARD_READERSTATE must equal what the vendor headers give, on
// any host. Sources: Apple's SmartCardServices PC/SC headers (10.11 and 11.3
// SDKs: #pragma pack(1), uint32_t DWORD, int32_t handles), the mingw-w64 and
// Wine winscard.h (natural alignment, rgbAtr[36], ULONG_PTR handles, WINAPI
// = __stdcall on x86, the A and W suffixes), and pcsc-lite's pcsclite.h (unsigned
// long DWORD, rgbAtr[33]; sizeof measured as 80 on Linux x64 with cc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  activeLayout,
  cardStateBits,
  layoutFor,
  layoutOverride,
  protocolMask,
  readerStateFields,
  type Layout,
} from '../../src/pcsc/ffi-layouts.js';

const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
const FIELDS = ['szReader', 'pvUserData', 'dwCurrentState', 'dwEventState', 'cbAtr', 'rgbAtr'] as const;

function measured(layout: Layout, native = false) {
  const fields = readerStateFields(layout, native, (size) => koffi.array('uint8_t', size, 'Array'));
  const type = layout.packed ? koffi.pack(fields) : koffi.struct(fields);
  return { size: koffi.sizeof(type), offsets: FIELDS.map((field) => koffi.offsetof(type, field)) };
}

const FACTS = [
  { platform: 'darwin', arch: 'x64', size: 61, offsets: [0, 8, 16, 20, 24, 28] },
  { platform: 'darwin', arch: 'arm64', size: 61, offsets: [0, 8, 16, 20, 24, 28] },
  { platform: 'win32', arch: 'x64', size: 64, offsets: [0, 8, 16, 20, 24, 28] },
  { platform: 'win32', arch: 'ia32', size: 56, offsets: [0, 4, 8, 12, 16, 20] },
  { platform: 'linux', arch: 'x64', size: 80, offsets: [0, 8, 16, 24, 32, 40] },
] as const;

for (const fact of FACTS) {
  test(`SCARD_READERSTATE on ${fact.platform}/${fact.arch}: ${fact.size} bytes, fields at ${fact.offsets.join('/')}`, () => {
    assert.deepEqual(measured(layoutFor(fact.platform, fact.arch)), { size: fact.size, offsets: [...fact.offsets] });
  });
}

test('the host layout with native pointer types is the same as its fixed-width description', () => {
  const layout = layoutFor();
  assert.deepEqual(measured(layout, true), measured(layout, false));
});

test('names, calling convention, handle types and protocol values per platform', () => {
  const mac = layoutFor('darwin', 'arm64');
  const win64 = layoutFor('win32', 'x64');
  const win32 = layoutFor('win32', 'ia32');
  const linux = layoutFor('linux', 'x64');
  assert.deepEqual(
    [mac.stringCalls, win64.stringCalls, win32.stringCalls, linux.stringCalls].map((calls) => `${calls.suffix}:${calls.encoding}`),
    [':utf8', 'W:utf16le', 'W:utf16le', ':utf8'],
  );
  assert.deepEqual([mac.cardState, win64.cardState, linux.cardState], ['bits', 'enumeration', 'bits']);
  assert.deepEqual([mac.stdcall, win64.stdcall, win32.stdcall, linux.stdcall], [false, false, true, false]);
  assert.deepEqual([mac.handleBytes, mac.handleSigned, win64.handleBytes, win32.handleBytes], [4, true, 8, 4]);
  assert.deepEqual([mac.dwordBytes, win64.dwordBytes, linux.dwordBytes], [4, 4, 8]);
  assert.deepEqual([mac.protocols.raw, win64.protocols.raw, linux.protocols.raw], [4, 0x10000, 4]);
  assert.deepEqual(
    [mac.library, win64.library, linux.library],
    ['/System/Library/Frameworks/PCSC.framework/PCSC', 'winscard.dll', 'libpcsclite.so.1'],
  );
});

test('a direct connection asks for no protocol, except on macOS, whose SCardConnect refuses that', () => {
  const mac = layoutFor('darwin', 'arm64');
  const win64 = layoutFor('win32', 'x64');
  const linux = layoutFor('linux', 'x64');
  assert.deepEqual(
    [linux, win64].map((layout) => protocolMask(layout, 'direct', 'any')),
    [0, 0],
  );
  assert.equal(protocolMask(mac, 'direct', 'any'), 3);
  for (const layout of [mac, win64, linux]) {
    assert.equal(protocolMask(layout, 'shared', 'any'), 3);
    assert.equal(protocolMask(layout, 'direct', 'raw'), layout.protocols.raw);
  }
});

test("SCardStatus's state reads as pcsc-lite's bits from Windows' enumeration, unchanged from bits", () => {
  const win64 = layoutFor('win32', 'x64');
  // SCARD_ABSENT 1, SCARD_PRESENT 2, SCARD_SPECIFIC 6 (learn.microsoft.com, SCardStatusA) → 0x0002, 0x0004, 0x0040 (pcsclite.h).
  assert.deepEqual(
    [0, 1, 2, 4, 6, 7].map((state) => cardStateBits(win64, state)),
    [0x0001, 0x0002, 0x0004, 0x0010, 0x0040, 0],
  );
  assert.equal(cardStateBits(layoutFor('linux', 'x64'), 0x0034), 0x0034);
});

test('SC_REPRO_FFI_LAYOUT picks another platform interface; an unknown one is told apart from none', () => {
  assert.equal(activeLayout({ SC_REPRO_FFI_LAYOUT: 'macos' }, 'linux', 'x64').id, 'macos');
  assert.equal(activeLayout({ SC_REPRO_FFI_LAYOUT: ' Windows ' }, 'linux', 'x64').atrSize, 36);
  assert.equal(activeLayout({}, 'linux', 'x64').id, 'pcsclite');
  assert.equal(layoutOverride({ SC_REPRO_FFI_LAYOUT: 'amiga' }), undefined);
  assert.equal(layoutOverride({ SC_REPRO_FFI_LAYOUT: '' }), null);
});
