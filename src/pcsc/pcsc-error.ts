// PC/SC errors that carry their numeric code. The pcsclite binding only gives
// a plain Error whose text ends in the code, and the spelling varies by
// platform and build; the FFI layer has the code itself.
import type { CodeJson, ErrorReport } from '../core/errors.js';
import { ScReproError } from '../core/errors.js';
import { hintForCode } from '../platform/hints.js';
import { activeLayout, platformOfLayout } from './ffi-layouts.js';
import { codeOf, formatHex, lookupReturnCode, type ScardName } from './return-codes.js';

/**
 * Codes that say the attempt could not be made at all, rather than that the
 * call under test answered: they map to exit 2, not 1, and never count as an
 * observation.
 */
const ENVIRONMENT_CODES: readonly ScardName[] = [
  'SCARD_E_NO_SERVICE',
  'SCARD_E_SERVICE_STOPPED',
  'SCARD_F_COMM_ERROR', // the connection to the service broke
  'SCARD_E_NO_READERS_AVAILABLE',
  'SCARD_E_NO_SMARTCARD',
  'SCARD_E_UNKNOWN_READER',
  'SCARD_E_READER_UNAVAILABLE',
  'SCARD_W_REMOVED_CARD',
];
const ENVIRONMENT_VALUES = new Set(ENVIRONMENT_CODES.map((name) => codeOf(name)));

export function isEnvironmentCode(code: number): boolean {
  return ENVIRONMENT_VALUES.has(code >>> 0);
}

interface CodeToken {
  code: number;
  start: number;
  end: number;
}

const SCARD_FACILITY = 0x80100000;
const inScardRange = (code: number): boolean => (code & 0xffff0000) >>> 0 === SCARD_FACILITY;

// The binding formats every message as "<Call> error: <text>(0x%.8lx)".
const CALL_PREFIX = /^\s*(\w+)\s+error:/;

// Spellings seen: (0x8010000b), (0X8010000B), 0x8010000B, (8010000b),
// (-2146435061), 2148532235, and 0xffffffff8010000b where a 64-bit long was
// sign-extended. Non-word neighbours keep these from matching inside other tokens.
const HEX_0X = /(?<!\w)0x([0-9a-f]{1,16})(?!\w)/gi;
const BARE_HEX = /(?<!\w)(8010[0-9a-f]{4})(?!\w)/gi;
const DECIMAL = /(?<!\w)(-?\d{10})(?!\w)/g;

function fromHex(digits: string): number | undefined {
  const high = digits.slice(0, -8);
  if (high && !/^(0+|f{8})$/i.test(high)) return undefined;
  return parseInt(digits.slice(-8), 16) >>> 0;
}

function fromDecimal(digits: string): number | undefined {
  const value = Number(digits);
  return value >= -0x80000000 && value <= 0xffffffff ? value >>> 0 : undefined;
}

/**
 * The last code-looking token wins: a localized Windows text may contain other
 * numbers first. Codes outside 0x8010xxxx (Win32 errors such as
 * RPC_X_BAD_STUB_DATA) are only trusted in the binding's 0x form after its
 * "<Call> error:" prefix, so unrelated errors with hex in them are not taken.
 */
function findCode(text: string): CodeToken | undefined {
  const fromBinding = CALL_PREFIX.test(text);
  let best: CodeToken | undefined;
  const consider = (pattern: RegExp, parse: (digits: string) => number | undefined, anyRange: boolean): void => {
    for (const match of text.matchAll(pattern)) {
      const code = parse(match[1]!);
      if (code === undefined || !(inScardRange(code) || anyRange)) continue;
      const start = match.index!;
      if (!best || start >= best.start) best = { code, start, end: start + match[0].length };
    }
  };
  consider(HEX_0X, fromHex, fromBinding);
  consider(BARE_HEX, fromHex, false);
  consider(DECIMAL, fromDecimal, false);
  return best;
}

function messageText(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  return undefined;
}

export function codeJson(code: number, call: string | null, fallback = ''): CodeJson {
  const entry = lookupReturnCode(code);
  return {
    code: code >>> 0,
    hex: formatHex(code),
    name: entry?.name ?? null,
    message: entry?.message ?? (fallback || 'Unknown PC/SC error.'),
    call,
  };
}

/** The code in a binding's error text, with the call it names and the meaning. */
export function parsePcscError(error: unknown): CodeJson | undefined {
  const text = messageText(error)?.trim();
  if (!text) return undefined;
  const token = findCode(text);
  if (!token) return undefined;
  const call = CALL_PREFIX.exec(text)?.[1] ?? null;
  // The binding's own wording, minus prefix and code: the meaning of a code the table lacks.
  const before = text.slice(0, token.start).replace(/\($/, '');
  const after = text.slice(token.end).replace(/^\)/, '');
  const fallback = `${before} ${after}`.replace(CALL_PREFIX, '').replace(/\s+/g, ' ').trim();
  return codeJson(token.code, call, fallback);
}

export class PcscError extends ScReproError {
  override name = 'PcscError';
  readonly code: number;
  readonly scardName: string | null;
  readonly call: string | null;
  /** The table's meaning, or the binding's text for an unknown code. */
  readonly meaning: string;

  /** `context` replaces the table's meaning in the message: what this tool saw, in its words. */
  constructor(info: CodeJson, context?: string) {
    const name = info.name ?? 'unknown PC/SC code';
    // The hint is for the platform that answered, as the code's name is.
    super(
      context ? `${name}: ${context}` : `${name} (${info.hex}): ${info.message}`,
      isEnvironmentCode(info.code) ? 'environment' : 'pcsc',
      hintForCode(info.name, platformOfLayout(activeLayout().id)),
    );
    this.code = info.code;
    this.scardName = info.name;
    this.call = info.call;
    this.meaning = info.message;
  }

  static fromCode(code: number, call: string | null, context?: string): PcscError {
    return new PcscError(codeJson(code, call), context);
  }

  static named(name: ScardName, call: string | null, context?: string): PcscError {
    return PcscError.fromCode(codeOf(name), call, context);
  }

  static from(error: unknown): PcscError | undefined {
    if (error instanceof PcscError) return error;
    const info = parsePcscError(error);
    return info && new PcscError(info);
  }

  toJSON(): CodeJson {
    return codeJson(this.code, this.call, this.meaning);
  }

  override toReport(): ErrorReport {
    return { ...super.toReport(), error: this.toJSON() };
  }
}
