// The two platform emulations (test/fixtures/emulations) against the real
// pcscd: each called through koffi with its platform's own prototypes and
// struct layouts, as sc-repro's ffi binding will, so a wrong conversion shows
// here rather than as a wrong verdict. koffi is used directly: this tests the
// fixtures, not the product.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { buildEmulation, type EmulationKind } from '../support/emulations.js';

type Koffi = typeof import('koffi');
type KoffiFunction = ReturnType<ReturnType<Koffi['load']>['func']>;

const koffi = createRequire(import.meta.url)('koffi') as Koffi;

const SUCCESS = 0;
const INSUFFICIENT_BUFFER = 0x80100008;
const UNKNOWN_READER = 0x80100009;
const TIMEOUT = 0x8010000a;
const PROTO_MISMATCH = 0x8010000f;
const INVALID_HANDLE = 0x80100003;
const LITE_UNSUPPORTED_FEATURE = 0x8010001f;
const WINDOWS_UNSUPPORTED_FEATURE = 0x80100022;
const W_RESET_CARD = 0x80100068;
const EXCLUSIVE = 1;
const SHARED = 2;
const DIRECT = 3;
const LEAVE = 0;
const UNPOWER = 2;
const T0_T1 = 3;
const STATE_PRESENT = 0x20;
const STATE_EXCLUSIVE = 0x80;
const STATE_INUSE = 0x100;
const SELECT = Buffer.from([0x00, 0xa4, 0x04, 0x00, 0x00]);
/** SCARD_ATTR_ATR_STRING: vpcd's driver does not answer it, so pcsc-lite says SCARD_E_UNSUPPORTED_FEATURE. */
const ATTR_ATR_STRING = 0x00090303;
const SHOWN_READER = `${VIRTUAL_READER} é`;

/**
 * A call on koffi's worker thread. Every call that may reach the card must be
 * one: this process also plays the virtual card, and a call that blocked the
 * event loop would wait for an answer it keeps from coming.
 */
function call(fn: KoffiFunction, ...args: unknown[]): Promise<number> {
  return new Promise((resolve, reject) => fn.async(...args, (error: unknown, rv: number) => (error ? reject(error) : resolve(rv >>> 0))));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const code = (rv: number) => `0x${(rv >>> 0).toString(16)}`;

interface ReaderState {
  szReader: string | null;
  pvUserData: null;
  dwCurrentState: number;
  dwEventState: number;
  cbAtr: number;
  rgbAtr: number[];
}

/** One emulation, declared with its platform's types: PCSC.framework's int32 handles and packed struct, or winscard's ULONG_PTR, A/W names and rgbAtr[36]. */
function declare(kind: EmulationKind, path: string) {
  const lib = koffi.load(path);
  const macos = kind === 'macos';
  const h = macos ? 'int32_t' : 'uintptr_t';
  const a = macos ? '' : 'A';
  const atrSize = macos ? 33 : 36;
  const fields = (name: string) => ({
    szReader: name,
    pvUserData: 'void *',
    dwCurrentState: 'uint32_t',
    dwEventState: 'uint32_t',
    cbAtr: 'uint32_t',
    rgbAtr: koffi.array('uint8_t', atrSize, 'Array'),
  });
  const state = macos ? koffi.pack('MAC_READERSTATE', fields('const char *')) : koffi.struct('WIN_READERSTATEA', fields('const char *'));
  const stateW = macos ? null : koffi.struct('WIN_READERSTATEW', fields('const char16_t *'));
  const io = koffi.struct(`${kind.toUpperCase()}_IO_REQUEST`, { dwProtocol: 'uint32_t', cbPciLength: 'uint32_t' });
  const fn = (prototype: string): KoffiFunction => lib.func(prototype);
  const api = {
    kind,
    atrSize,
    readerStateSize: koffi.sizeof(state),
    ioRequestSize: koffi.sizeof(io),
    establish: fn(`int32_t SCardEstablishContext(uint32_t scope, void *r1, void *r2, _Out_ ${h} *context)`),
    release: fn(`int32_t SCardReleaseContext(${h} context)`),
    list: fn(`int32_t SCardListReaders${a}(${h} context, const char *groups, uint8_t *readers, _Inout_ uint32_t *length)`),
    statusChange: fn(
      `int32_t SCardGetStatusChange${a}(${h} context, uint32_t timeout, _Inout_ ${macos ? 'MAC_READERSTATE' : 'WIN_READERSTATEA'} *states, uint32_t count)`,
    ),
    connect: fn(
      `int32_t SCardConnect${a}(${h} context, const uint8_t *reader, uint32_t share, uint32_t protocols, _Out_ ${h} *card, _Out_ uint32_t *active)`,
    ),
    reconnect: fn(`int32_t SCardReconnect(${h} card, uint32_t share, uint32_t protocols, uint32_t initialization, _Out_ uint32_t *active)`),
    disconnect: fn(`int32_t SCardDisconnect(${h} card, uint32_t disposition)`),
    begin: fn(`int32_t SCardBeginTransaction(${h} card)`),
    end: fn(`int32_t SCardEndTransaction(${h} card, uint32_t disposition)`),
    status: fn(
      `int32_t SCardStatus${a}(${h} card, uint8_t *names, _Inout_ uint32_t *length, _Out_ uint32_t *state, _Out_ uint32_t *protocol, uint8_t *atr, _Inout_ uint32_t *atrLength)`,
    ),
    transmit: fn(
      `int32_t SCardTransmit(${h} card, const ${kind.toUpperCase()}_IO_REQUEST *send, const uint8_t *apdu, uint32_t length, void *recvPci, uint8_t *response, _Inout_ uint32_t *responseLength)`,
    ),
    getAttrib: fn(`int32_t SCardGetAttrib(${h} card, uint32_t attribute, uint8_t *value, _Inout_ uint32_t *length)`),
    wide: stateW && {
      list: fn(`int32_t SCardListReadersW(${h} context, const char16_t *groups, uint16_t *readers, _Inout_ uint32_t *length)`),
      statusChange: fn(`int32_t SCardGetStatusChangeW(${h} context, uint32_t timeout, _Inout_ WIN_READERSTATEW *states, uint32_t count)`),
      connect: fn(
        `int32_t SCardConnectW(${h} context, const char16_t *reader, uint32_t share, uint32_t protocols, _Out_ ${h} *card, _Out_ uint32_t *active)`,
      ),
      status: fn(
        `int32_t SCardStatusW(${h} card, uint16_t *names, _Inout_ uint32_t *length, _Out_ uint32_t *state, _Out_ uint32_t *protocol, uint8_t *atr, _Inout_ uint32_t *atrLength)`,
      ),
    },
  };
  return api;
}

type Api = ReturnType<typeof declare>;

const contexts: Array<{ api: Api; context: number }> = [];

function establish(api: Api): number {
  const out = [0];
  assert.equal(api.establish(2, null, null, out), SUCCESS);
  contexts.push({ api, context: out[0]! });
  return out[0]!;
}

/** A name as the A functions take it: bytes, terminated. */
const ansi = (name: string, encoding: BufferEncoding) => Buffer.from(`${name}\0`, encoding);

async function connect(api: Api, context: number, share: number, protocols: number, reader: Buffer = ansi(VIRTUAL_READER, 'latin1')) {
  const card = [0];
  const active = [0];
  const rv = await call(api.connect, context, reader, share, protocols, card, active);
  return { rv, card: card[0]!, active: active[0]! };
}

function lookState(api: Api, context: number, reader: string, current = 0, timeout = 0): { rv: number; state: ReaderState } {
  const states: ReaderState[] = [
    { szReader: reader, pvUserData: null, dwCurrentState: current, dwEventState: 0, cbAtr: 0, rgbAtr: new Array(api.atrSize).fill(0) },
  ];
  const rv = api.statusChange(context, timeout, states, 1) >>> 0;
  return { rv, state: states[0]! };
}

async function transmit(api: Api, card: number, protocol: number): Promise<{ rv: number; response: string }> {
  const response = Buffer.alloc(258);
  const length = [response.length];
  const rv = await call(api.transmit, card, { dwProtocol: protocol, cbPciLength: 8 }, SELECT, SELECT.length, null, response, length);
  return { rv, response: response.subarray(0, rv === SUCCESS ? length[0] : 0).toString('hex') };
}

await useStack({ before, after });

let macos: Api;
let windows: Api;

before(async () => {
  macos = declare('macos', await buildEmulation('macos'));
  windows = declare('windows', await buildEmulation('windows'));
});

// Releasing a context closes its cards too: a failed test leaves the reader free for the next.
afterEach(async () => {
  for (const { api, context } of contexts.splice(0)) await call(api.release, context);
});

test('each emulation has its platform layout: a packed 61-byte SCARD_READERSTATE on macOS, 64 bytes with rgbAtr[36] on Windows', () => {
  assert.equal(macos.readerStateSize, 61);
  assert.equal(windows.readerStateSize, 64);
  assert.equal(macos.ioRequestSize, 8);
  assert.equal(windows.ioRequestSize, 8);
});

for (const kind of ['macos', 'windows'] as const) {
  test(`${kind}: SCardListReaders sizes and lists the vpcd readers`, () => {
    const api = kind === 'macos' ? macos : windows;
    const context = establish(api);
    const length = [0];
    assert.equal(api.list(context, null, null, length) >>> 0, SUCCESS);
    const needed = length[0]!;
    const small = [3];
    assert.equal(api.list(context, null, Buffer.alloc(3), small) >>> 0, INSUFFICIENT_BUFFER);
    assert.equal(small[0], needed, 'a buffer too small is told the length needed');
    const buffer = Buffer.alloc(needed);
    assert.equal(api.list(context, null, buffer, length) >>> 0, SUCCESS);
    assert.ok(buffer.toString('latin1').split('\0').includes(VIRTUAL_READER), buffer.toString('latin1'));
  });

  test(`${kind}: the state a third context sees under an exclusive and a shared hold, and SCardStatus`, async () => {
    const api = kind === 'macos' ? macos : windows;
    const holder = establish(api);
    const observer = establish(api);
    const free = lookState(api, observer, VIRTUAL_READER);
    assert.equal(free.rv, SUCCESS);
    assert.ok(free.state.dwEventState & STATE_PRESENT);
    assert.equal(Buffer.from(free.state.rgbAtr.slice(0, free.state.cbAtr)).toString('hex'), '3b80800101');
    // pcsc-lite counts card events in the upper 16 bits (the card was inserted, so at least one); Windows shows them, Apple never did.
    if (kind === 'macos') assert.equal(free.state.dwEventState >>> 16, 0, code(free.state.dwEventState));
    else assert.ok(free.state.dwEventState >>> 16 > 0, code(free.state.dwEventState));

    const exclusive = await connect(api, holder, EXCLUSIVE, T0_T1);
    assert.equal(exclusive.rv, SUCCESS, code(exclusive.rv));
    const held = lookState(api, observer, VIRTUAL_READER).state.dwEventState;
    assert.ok(held & STATE_EXCLUSIVE && !(held & STATE_INUSE), code(held));

    const names = Buffer.alloc(256);
    const namesLength = [names.length];
    const state = [0];
    const protocol = [0];
    const atr = Buffer.alloc(40);
    const atrLength = [atr.length];
    assert.equal(await call(api.status, exclusive.card, names, namesLength, state, protocol, atr, atrLength), SUCCESS);
    assert.equal(protocol[0], exclusive.active);
    assert.equal(atr.subarray(0, atrLength[0]).toString('hex'), '3b80800101');
    if (kind === 'macos') {
      // pcsc-lite's bits (PRESENT|POWERED|NEGOTIABLE), without its event counter.
      assert.equal(state[0], 0x34);
      assert.equal(names.subarray(0, namesLength[0]).toString('latin1'), `${VIRTUAL_READER}\0`);
    } else {
      // Windows' enumeration: SCARD_NEGOTIABLE, the furthest of those bits.
      assert.equal(state[0], 5);
      assert.equal(names.subarray(0, namesLength[0]).toString('latin1'), `${VIRTUAL_READER}\0\0`, 'a doubly terminated multi-string');
    }
    const sizes = [0];
    const atrSize = [0];
    assert.equal(await call(api.status, exclusive.card, null, sizes, state, protocol, null, atrSize), SUCCESS);
    assert.deepEqual([sizes[0], atrSize[0]], [namesLength[0], 5], 'NULL buffers ask for the lengths');

    const selected = await transmit(api, exclusive.card, exclusive.active);
    assert.deepEqual(selected, { rv: SUCCESS, response: '9000' });
    const attribute = [0];
    assert.equal(
      await call(api.getAttrib, exclusive.card, ATTR_ATR_STRING, null, attribute),
      kind === 'macos' ? LITE_UNSUPPORTED_FEATURE : WINDOWS_UNSUPPORTED_FEATURE,
    );
    assert.equal(await call(api.disconnect, exclusive.card, LEAVE), SUCCESS);
    assert.equal(await call(api.disconnect, exclusive.card, LEAVE), INVALID_HANDLE, 'a closed handle is refused');

    const shared = await connect(api, holder, SHARED, T0_T1);
    assert.equal(shared.rv, SUCCESS, code(shared.rv));
    const inUse = lookState(api, observer, VIRTUAL_READER).state.dwEventState;
    assert.ok(inUse & STATE_INUSE && !(inUse & STATE_EXCLUSIVE), code(inUse));
    assert.equal(await call(api.disconnect, shared.card, LEAVE), SUCCESS);
  });
}

test('macos: a connect or reconnect with no protocol bit is SCARD_E_PROTO_MISMATCH, DIRECT included; with T0|T1 DIRECT connects', async () => {
  const context = establish(macos);
  assert.equal((await connect(macos, context, DIRECT, 0)).rv, PROTO_MISMATCH);
  const direct = await connect(macos, context, DIRECT, T0_T1);
  assert.equal(direct.rv, SUCCESS, code(direct.rv));
  const active = [0];
  assert.equal(await call(macos.reconnect, direct.card, DIRECT, 0, LEAVE, active), PROTO_MISMATCH);
  assert.equal(await call(macos.reconnect, direct.card, SHARED, T0_T1, LEAVE, active), SUCCESS);
  assert.equal(await call(macos.disconnect, direct.card, LEAVE), SUCCESS);
});

test('windows: DIRECT with protocol 0 connects; RAW is 0x10000 both ways', async () => {
  const context = establish(windows);
  const direct = await connect(windows, context, DIRECT, 0);
  assert.equal(direct.rv, SUCCESS, code(direct.rv));
  assert.equal(await call(windows.disconnect, direct.card, LEAVE), SUCCESS);
  const raw = await connect(windows, context, SHARED, 0x10000);
  assert.equal(raw.rv, SUCCESS, code(raw.rv));
  assert.equal(raw.active, 0x10000);
  // Unpowered, so that the next connect negotiates T=0/T=1 again rather than find the card in RAW.
  assert.equal(await call(windows.disconnect, raw.card, UNPOWER), SUCCESS);
});

test('macos: no \\\\?PnP?\\Notification reader', () => {
  const context = establish(macos);
  assert.equal(lookState(macos, context, '\\\\?PnP?\\Notification').rv, UNKNOWN_READER);
});

test('macos: with SC_REPRO_EMULATION_INUSE_ONLY an exclusive hold shows INUSE, and a wait on that state is not woken by it', async () => {
  const holder = establish(macos);
  const observer = establish(macos);
  const hold = await connect(macos, holder, EXCLUSIVE, T0_T1);
  assert.equal(hold.rv, SUCCESS, code(hold.rv));
  process.env.SC_REPRO_EMULATION_INUSE_ONLY = '1';
  try {
    const { state } = lookState(macos, observer, VIRTUAL_READER);
    assert.ok(state.dwEventState & STATE_INUSE && !(state.dwEventState & STATE_EXCLUSIVE), code(state.dwEventState));
    // pcsc-lite's own word says EXCLUSIVE: passed on as it is, pcsc-lite would call it a change at once.
    const waited = await new Promise<number>((resolve, reject) => {
      const states = [{ ...state, dwCurrentState: state.dwEventState & ~0x2 }];
      macos.statusChange.async(observer, 300, states, 1, (error: unknown, rv: number) => (error ? reject(error) : resolve(rv >>> 0)));
    });
    assert.equal(waited, TIMEOUT, code(waited));
  } finally {
    delete process.env.SC_REPRO_EMULATION_INUSE_ONLY;
    assert.equal(await call(macos.disconnect, hold.card, LEAVE), SUCCESS);
  }
});

test('windows: with SC_REPRO_EMULATION_NON_ASCII the reader is "… é" through W, Windows-1252 through A, and UTF-8 bytes through A are not its name', async () => {
  const context = establish(windows);
  process.env.SC_REPRO_EMULATION_NON_ASCII = '1';
  try {
    const wide = windows.wide!;
    const length = [0];
    assert.equal(wide.list(context, null, null, length) >>> 0, SUCCESS);
    const list = new Uint16Array(length[0]!);
    assert.equal(wide.list(context, null, list, length) >>> 0, SUCCESS);
    const names = Buffer.from(list.buffer).toString('utf16le');
    assert.ok(names.split('\0').includes(SHOWN_READER), JSON.stringify(names));
    assert.ok(names.endsWith('\0\0'));

    const ansiLength = [0];
    windows.list(context, null, null, ansiLength);
    assert.equal(ansiLength[0], length[0], 'é is one character in both');
    const ansiList = Buffer.alloc(ansiLength[0]!);
    assert.equal(windows.list(context, null, ansiList, ansiLength) >>> 0, SUCCESS);
    assert.ok(ansiList.includes(ansi(SHOWN_READER, 'latin1')), ansiList.toString('hex'));

    const card = [0];
    const active = [0];
    assert.equal(await call(wide.connect, context, SHOWN_READER, SHARED, T0_T1, card, active), SUCCESS);
    const status = new Uint16Array(64);
    const statusLength = [status.length];
    assert.equal(await call(wide.status, card[0], status, statusLength, [0], [0], Buffer.alloc(36), [36]), SUCCESS);
    assert.equal(statusLength[0], SHOWN_READER.length + 2, 'the length is in WCHARs');
    assert.equal(Buffer.from(status.buffer, 0, statusLength[0]! * 2).toString('utf16le'), `${SHOWN_READER}\0\0`);
    assert.equal(await call(windows.disconnect, card[0], LEAVE), SUCCESS);

    const states = [
      { szReader: SHOWN_READER, pvUserData: null, dwCurrentState: 0, dwEventState: 0, cbAtr: 0, rgbAtr: new Array(36).fill(0) },
    ];
    assert.equal(wide.statusChange(context, 0, states, 1) >>> 0, SUCCESS);
    assert.ok(states[0]!.dwEventState & STATE_PRESENT, code(states[0]!.dwEventState));

    assert.equal((await connect(windows, context, SHARED, T0_T1, ansi(SHOWN_READER, 'utf8'))).rv, UNKNOWN_READER);
    const windows1252 = await connect(windows, context, SHARED, T0_T1, ansi(SHOWN_READER, 'latin1'));
    assert.equal(windows1252.rv, SUCCESS, code(windows1252.rv));
    assert.equal(await call(windows.disconnect, windows1252.card, LEAVE), SUCCESS);
    assert.equal((await connect(windows, context, SHARED, T0_T1)).rv, UNKNOWN_READER, 'the name without é is no reader here');
  } finally {
    delete process.env.SC_REPRO_EMULATION_NON_ASCII;
  }
});

test('windows: a transaction idle more than 5 s is ended with a reset (SCARD_W_RESET_CARD); calls on the handle keep it alive', async () => {
  const context = establish(windows);
  const card = await connect(windows, context, SHARED, T0_T1);
  assert.equal(card.rv, SUCCESS, code(card.rv));
  try {
    assert.equal(await call(windows.begin, card.card), SUCCESS);
    for (let i = 0; i < 4; i++) {
      await sleep(1500);
      assert.equal(
        (await transmit(windows, card.card, card.active)).rv,
        SUCCESS,
        `a call every 1.5 s keeps the transaction (call ${i + 1})`,
      );
    }
    await sleep(6000);
    assert.equal((await transmit(windows, card.card, card.active)).rv, W_RESET_CARD);
    const active = [0];
    assert.equal(await call(windows.reconnect, card.card, SHARED, T0_T1, LEAVE, active), SUCCESS);
    assert.equal(await call(windows.end, card.card, LEAVE), 0x80100016, 'SCARD_E_NOT_TRANSACTED: the reset ended the real transaction');
  } finally {
    await call(windows.disconnect, card.card, LEAVE);
  }
});
