// PC/SC constants that are the same on pcsc-lite, macOS and Windows.
// Protocol values differ between platforms (RAW is 4 on pcsc-lite, 0x10000 on
// Windows), so those are per-platform data in ffi-layouts.ts.

export const SHARE_MODES = { exclusive: 1, shared: 2, direct: 3 } as const;
export type ShareMode = keyof typeof SHARE_MODES;
export const isShareMode = (value: unknown): value is ShareMode => typeof value === 'string' && Object.hasOwn(SHARE_MODES, value);

export const DISPOSITIONS = { leave: 0, reset: 1, unpower: 2, eject: 3 } as const;
export type Disposition = keyof typeof DISPOSITIONS;

export const PROTOCOL_CHOICES = ['any', 't0', 't1', 'raw'] as const;

/** Reader attributes for SCardGetAttrib: SCARD_ATTR_VALUE(class, tag), the same on pcsc-lite, macOS and Windows (reader.h). */
export const ATTRIBUTES = {
  SCARD_ATTR_VENDOR_NAME: 0x00010100,
  SCARD_ATTR_VENDOR_IFD_TYPE: 0x00010101,
  SCARD_ATTR_VENDOR_IFD_VERSION: 0x00010102,
  SCARD_ATTR_ATR_STRING: 0x00090303,
  SCARD_ATTR_DEVICE_FRIENDLY_NAME_A: 0x7fff0003,
} as const;
export type AttributeName = keyof typeof ATTRIBUTES;
export type ProtocolChoice = (typeof PROTOCOL_CHOICES)[number];

export const SCARD_SHARE_NAMES: Record<ShareMode, string> = {
  exclusive: 'SCARD_SHARE_EXCLUSIVE',
  shared: 'SCARD_SHARE_SHARED',
  direct: 'SCARD_SHARE_DIRECT',
};

/**
 * SCARD_STATE_* bits of SCARD_READERSTATE.dwEventState that describe the
 * reader. CHANGED only marks the event, and pcsc-lite keeps an event counter
 * in the high 16 bits: both are left out.
 */
export const READER_STATE_FLAGS = [
  ['IGNORE', 0x0001],
  ['UNKNOWN', 0x0004],
  ['UNAVAILABLE', 0x0008],
  ['EMPTY', 0x0010],
  ['PRESENT', 0x0020],
  ['ATRMATCH', 0x0040],
  ['EXCLUSIVE', 0x0080],
  ['INUSE', 0x0100],
  ['MUTE', 0x0200],
  ['UNPOWERED', 0x0400],
] as const;
export type ReaderStateFlag = (typeof READER_STATE_FLAGS)[number][0];

export function decodeReaderState(state: number): ReaderStateFlag[] {
  return READER_STATE_FLAGS.filter(([, bit]) => (state & bit) !== 0).map(([name]) => name);
}

export function formatAtr(atr: Buffer | Uint8Array | null | undefined): string | null {
  if (!atr || atr.length === 0) return null;
  return Buffer.from(atr)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
}
