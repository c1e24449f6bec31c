// Every PC/SC return code, as pcsc-lite (pcsclite.h), Windows (winerror.h) and
// macOS define them. The meaning is pcsc-lite's pcsc_stringify_error() text
// where it has one, so it matches what the binding prints on Linux and macOS;
// otherwise a short form of the winerror.h description. A value that the
// platforms name differently is named as the platform that answered names it.
import { activeLayout, LAYOUT_ENV, type LayoutId } from './ffi-layouts.js';

export interface ReturnCode {
  readonly name: string;
  readonly code: number;
  readonly message: string;
  /** Another name that some platform gives this same value. */
  readonly alias?: string;
}

export const RETURN_CODES = [
  { name: 'SCARD_S_SUCCESS', code: 0x00000000, message: 'Command successful.' },
  { name: 'SCARD_F_INTERNAL_ERROR', code: 0x80100001, message: 'Internal error.' },
  { name: 'SCARD_E_CANCELLED', code: 0x80100002, message: 'Command cancelled.' },
  { name: 'SCARD_E_INVALID_HANDLE', code: 0x80100003, message: 'Invalid handle.' },
  { name: 'SCARD_E_INVALID_PARAMETER', code: 0x80100004, message: 'Invalid parameter given.' },
  { name: 'SCARD_E_INVALID_TARGET', code: 0x80100005, message: 'Invalid target given.' },
  { name: 'SCARD_E_NO_MEMORY', code: 0x80100006, message: 'Not enough memory.' },
  { name: 'SCARD_F_WAITED_TOO_LONG', code: 0x80100007, message: 'Waited too long.' },
  { name: 'SCARD_E_INSUFFICIENT_BUFFER', code: 0x80100008, message: 'Insufficient buffer.' },
  { name: 'SCARD_E_UNKNOWN_READER', code: 0x80100009, message: 'Unknown reader specified.' },
  { name: 'SCARD_E_TIMEOUT', code: 0x8010000a, message: 'Command timeout.' },
  { name: 'SCARD_E_SHARING_VIOLATION', code: 0x8010000b, message: 'Sharing violation.' },
  { name: 'SCARD_E_NO_SMARTCARD', code: 0x8010000c, message: 'No smart card inserted.' },
  { name: 'SCARD_E_UNKNOWN_CARD', code: 0x8010000d, message: 'Unknown card.' },
  { name: 'SCARD_E_CANT_DISPOSE', code: 0x8010000e, message: 'Cannot dispose handle.' },
  { name: 'SCARD_E_PROTO_MISMATCH', code: 0x8010000f, message: 'Card protocol mismatch.' },
  { name: 'SCARD_E_NOT_READY', code: 0x80100010, message: 'Subsystem not ready.' },
  { name: 'SCARD_E_INVALID_VALUE', code: 0x80100011, message: 'Invalid value given.' },
  { name: 'SCARD_E_SYSTEM_CANCELLED', code: 0x80100012, message: 'System cancelled.' },
  { name: 'SCARD_F_COMM_ERROR', code: 0x80100013, message: 'RPC transport error.' },
  { name: 'SCARD_F_UNKNOWN_ERROR', code: 0x80100014, message: 'Unknown error.' },
  { name: 'SCARD_E_INVALID_ATR', code: 0x80100015, message: 'Invalid ATR.' },
  { name: 'SCARD_E_NOT_TRANSACTED', code: 0x80100016, message: 'Transaction failed.' },
  { name: 'SCARD_E_READER_UNAVAILABLE', code: 0x80100017, message: 'Reader is unavailable.' },
  { name: 'SCARD_P_SHUTDOWN', code: 0x80100018, message: 'Operation aborted because the service is shutting down.' },
  { name: 'SCARD_E_PCI_TOO_SMALL', code: 0x80100019, message: 'PCI struct too small.' },
  { name: 'SCARD_E_READER_UNSUPPORTED', code: 0x8010001a, message: 'Reader is unsupported.' },
  { name: 'SCARD_E_DUPLICATE_READER', code: 0x8010001b, message: 'Reader already exists.' },
  { name: 'SCARD_E_CARD_UNSUPPORTED', code: 0x8010001c, message: 'Card is unsupported.' },
  { name: 'SCARD_E_NO_SERVICE', code: 0x8010001d, message: 'Service not available.' },
  { name: 'SCARD_E_SERVICE_STOPPED', code: 0x8010001e, message: 'Service was stopped.' },
  // pcsc-lite and macOS name this value SCARD_E_UNSUPPORTED_FEATURE: PLATFORM_NAMES.
  { name: 'SCARD_E_UNEXPECTED', code: 0x8010001f, message: 'An unexpected card error has occurred.', alias: 'SCARD_E_UNSUPPORTED_FEATURE' },
  { name: 'SCARD_E_ICC_INSTALLATION', code: 0x80100020, message: 'No primary provider for the card.' },
  { name: 'SCARD_E_ICC_CREATEORDER', code: 0x80100021, message: 'The requested order of object creation is not supported.' },
  { name: 'SCARD_E_UNSUPPORTED_FEATURE', code: 0x80100022, message: 'Feature not supported.' },
  { name: 'SCARD_E_DIR_NOT_FOUND', code: 0x80100023, message: 'The identified directory does not exist in the smart card.' },
  { name: 'SCARD_E_FILE_NOT_FOUND', code: 0x80100024, message: 'The identified file does not exist in the smart card.' },
  { name: 'SCARD_E_NO_DIR', code: 0x80100025, message: 'The supplied path does not represent a smart card directory.' },
  { name: 'SCARD_E_NO_FILE', code: 0x80100026, message: 'The supplied path does not represent a smart card file.' },
  { name: 'SCARD_E_NO_ACCESS', code: 0x80100027, message: 'Access is denied to this file.' },
  { name: 'SCARD_E_WRITE_TOO_MANY', code: 0x80100028, message: 'The smart card does not have enough memory to store the information.' },
  { name: 'SCARD_E_BAD_SEEK', code: 0x80100029, message: 'There was an error trying to set the smart card file object pointer.' },
  { name: 'SCARD_E_INVALID_CHV', code: 0x8010002a, message: 'The supplied PIN is incorrect.' },
  { name: 'SCARD_E_UNKNOWN_RES_MNG', code: 0x8010002b, message: 'An unrecognized error code was returned from a layered component.' },
  { name: 'SCARD_E_NO_SUCH_CERTIFICATE', code: 0x8010002c, message: 'The requested certificate does not exist.' },
  { name: 'SCARD_E_CERTIFICATE_UNAVAILABLE', code: 0x8010002d, message: 'The requested certificate could not be obtained.' },
  { name: 'SCARD_E_NO_READERS_AVAILABLE', code: 0x8010002e, message: 'Cannot find a smart card reader.' },
  { name: 'SCARD_E_COMM_DATA_LOST', code: 0x8010002f, message: 'A communications error with the smart card has been detected.' },
  { name: 'SCARD_E_NO_KEY_CONTAINER', code: 0x80100030, message: 'The requested key container does not exist on the smart card.' },
  { name: 'SCARD_E_SERVER_TOO_BUSY', code: 0x80100031, message: 'The smart card resource manager is too busy to complete this operation.' },
  { name: 'SCARD_E_PIN_CACHE_EXPIRED', code: 0x80100032, message: 'The smart card PIN cache has expired.' },
  { name: 'SCARD_E_NO_PIN_CACHE', code: 0x80100033, message: 'The smart card PIN cannot be cached.' },
  { name: 'SCARD_E_READ_ONLY_CARD', code: 0x80100034, message: 'The smart card is read-only and cannot be written to.' },
  { name: 'SCARD_W_UNSUPPORTED_CARD', code: 0x80100065, message: 'Card is not supported.' },
  { name: 'SCARD_W_UNRESPONSIVE_CARD', code: 0x80100066, message: 'Card is unresponsive.' },
  { name: 'SCARD_W_UNPOWERED_CARD', code: 0x80100067, message: 'Card is unpowered.' },
  { name: 'SCARD_W_RESET_CARD', code: 0x80100068, message: 'Card was reset.' },
  { name: 'SCARD_W_REMOVED_CARD', code: 0x80100069, message: 'Card was removed.' },
  // macOS (PCSC.framework) and older pcsc-lite define SCARD_W_INSERTED_CARD with this value.
  { name: 'SCARD_W_SECURITY_VIOLATION', code: 0x8010006a, message: 'Access denied.', alias: 'SCARD_W_INSERTED_CARD' },
  { name: 'SCARD_W_WRONG_CHV', code: 0x8010006b, message: 'Wrong PIN.' },
  { name: 'SCARD_W_CHV_BLOCKED', code: 0x8010006c, message: 'PIN blocked.' },
  { name: 'SCARD_W_EOF', code: 0x8010006d, message: 'End of file.' },
  { name: 'SCARD_W_CANCELLED_BY_USER', code: 0x8010006e, message: 'User cancelled the operation.' },
  { name: 'SCARD_W_CARD_NOT_AUTHENTICATED', code: 0x8010006f, message: 'No PIN was presented to the smart card.' },
  { name: 'SCARD_W_CACHE_ITEM_NOT_FOUND', code: 0x80100070, message: 'The requested item could not be found in the cache.' },
  { name: 'SCARD_W_CACHE_ITEM_STALE', code: 0x80100071, message: 'The requested cache item is too old and was deleted from the cache.' },
  {
    name: 'SCARD_W_CACHE_ITEM_TOO_BIG',
    code: 0x80100072,
    message: 'The new cache item exceeds the maximum per-item size defined for the cache.',
  },
  // Secondary names for values above: found by name, never by number.
  { name: 'SCARD_W_INSERTED_CARD', code: 0x8010006a, message: 'Card was inserted.', alias: 'SCARD_W_SECURITY_VIOLATION' },
] as const satisfies readonly ReturnCode[];

/** Every return-code name the table knows: code is written by name, never as a literal. */
export type ScardName = (typeof RETURN_CODES)[number]['name'];

/**
 * Values a platform names otherwise than Windows does. pcsc-lite's pcsclite.h
 * defines SCARD_E_UNSUPPORTED_FEATURE as 0x8010001F, beside SCARD_E_UNEXPECTED,
 * and pcsc_stringify_error() prints "Feature not supported." for it; Windows'
 * SCARD_E_UNSUPPORTED_FEATURE is 0x80100022 (winerror.h; the Rust pcsc-sys
 * crate encodes both per target). Apple's PCSC.framework comes from pcsc-lite
 * 1.4, whose pcsclite.h has SCARD_E_UNSUPPORTED_FEATURE 0x8010001F and
 * SCARD_W_INSERTED_CARD 0x8010006A (Windows' SCARD_W_SECURITY_VIOLATION).
 */
const UNSUPPORTED_FEATURE_1F: ReturnCode = {
  name: 'SCARD_E_UNSUPPORTED_FEATURE',
  code: 0x8010001f,
  message: 'Feature not supported.',
  alias: 'SCARD_E_UNEXPECTED',
};
const PLATFORM_NAMES: Record<LayoutId, readonly ReturnCode[]> = {
  pcsclite: [UNSUPPORTED_FEATURE_1F],
  macos: [
    UNSUPPORTED_FEATURE_1F,
    { name: 'SCARD_W_INSERTED_CARD', code: 0x8010006a, message: 'Card was inserted.', alias: 'SCARD_W_SECURITY_VIOLATION' },
  ],
  windows: [],
};

/** The naming last worked out, and the SC_REPRO_FFI_LAYOUT value it was worked out from. */
let naming: { override: string | undefined; id: LayoutId } | undefined;

/**
 * Whose names: the platform interface this process calls PC/SC through. A
 * call log names the code of every call it records, so the layout is worked
 * out again only when SC_REPRO_FFI_LAYOUT changes, not on every lookup.
 */
function namingNow(): LayoutId {
  const override = process.env[LAYOUT_ENV];
  if (naming === undefined || naming.override !== override) naming = { override, id: activeLayout().id };
  return naming.id;
}

const byCode = new Map<number, ReturnCode>();
const byName = new Map<string, ReturnCode>();
for (const entry of RETURN_CODES) {
  // The first entry for a value is its primary name, as Windows and current pcsc-lite name it.
  if (!byCode.has(entry.code)) byCode.set(entry.code, entry);
  byName.set(entry.name, entry);
}

export function lookupReturnCode(code: number, naming: LayoutId = namingNow()): ReturnCode | undefined {
  const value = code >>> 0;
  return PLATFORM_NAMES[naming].find((entry) => entry.code === value) ?? byCode.get(value);
}

export function returnCodeByName(name: string, naming: LayoutId = namingNow()): ReturnCode | undefined {
  const wanted = name.trim().toUpperCase();
  return PLATFORM_NAMES[naming].find((entry) => entry.name === wanted) ?? byName.get(wanted);
}

/** The value of a return code, by its name, on the platform this process calls. */
export function codeOf(name: ScardName, naming: LayoutId = namingNow()): number {
  return returnCodeByName(name, naming)!.code;
}

export function formatHex(code: number): string {
  return `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}
