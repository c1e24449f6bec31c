// The FFI layouts are data: koffi's size and field offsets for each
// platform's SCARD_READERSTATE must equal what the vendor headers give, on
// any host. Sources: Apple's SmartCardServices PC/SC headers (10.11 and 11.3
// SDKs: #pragma pack(1), uint32_t DWORD, int32_t handles), the mingw-w64 and
// Wine winscard.h (natural alignment, rgbAtr[36], ULONG_PTR handles, WINAPI
// = __stdcall on x86, the A suffix), and pcsc-lite's pcsclite.h (unsigned
// long DWORD, rgbAtr[33]; sizeof measured as 80 on Linux x64 with cc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { layoutFor, readerStateFields, type Layout } from '../../src/pcsc/ffi-layouts.js';

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
  assert.deepEqual([mac.ansiSuffix, win64.ansiSuffix, linux.ansiSuffix], ['', 'A', '']);
  assert.deepEqual([mac.stdcall, win64.stdcall, win32.stdcall, linux.stdcall], [false, false, true, false]);
  assert.deepEqual([mac.handleBytes, mac.handleSigned, win64.handleBytes, win32.handleBytes], [4, true, 8, 4]);
  assert.deepEqual([mac.dwordBytes, win64.dwordBytes, linux.dwordBytes], [4, 4, 8]);
  assert.deepEqual([mac.protocols.raw, win64.protocols.raw, linux.protocols.raw], [4, 0x10000, 4]);
  assert.deepEqual([mac.library, win64.library, linux.library], ['/System/Library/Frameworks/PCSC.framework/PCSC', 'winscard.dll', 'libpcsclite.so.1']);
});
