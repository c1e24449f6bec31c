// PC/SC errors that carry their numeric code. The binding only gives a plain
// Error whose text ends in the code, and the spelling varies by platform/build.
import { formatHex, lookupReturnCode } from './return-codes.js';

export interface PcscErrorInfo {
  code: number;
  hex: string;
  name: string | null;
  message: string;
  call: string | null;
  /** The binding's own text, kept for bug reports. */
  detail: string;
}

interface CodeToken {
  code: number;
  start: number;
  end: number;
}

const SCARD_FACILITY = 0x80100000;
const inScardRange = (code: number): boolean => ((code & 0xffff0000) >>> 0) === SCARD_FACILITY;

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
  // Errors that crossed a process boundary arrive as plain objects.
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return undefined;
}

function infoFor(code: number, call: string | null, detail: string, fallback: string): PcscErrorInfo {
  const entry = lookupReturnCode(code);
  return {
    code: code >>> 0,
    hex: formatHex(code),
    name: entry?.name ?? null,
    message: entry?.message ?? (fallback || 'Unknown PC/SC error.'),
    call,
    detail,
  };
}

export function parsePcscError(error: unknown): PcscErrorInfo | undefined {
  const detail = messageText(error)?.trim();
  if (!detail) return undefined;
  const token = findCode(detail);
  if (!token) return undefined;
  const call = CALL_PREFIX.exec(detail)?.[1] ?? null;
  // The binding's own wording, minus prefix and code: the meaning of a code the table lacks.
  const before = detail.slice(0, token.start).replace(/\($/, '');
  const after = detail.slice(token.end).replace(/^\)/, '');
  const fallback = `${before} ${after}`.replace(CALL_PREFIX, '').replace(/\s+/g, ' ').trim();
  return infoFor(token.code, call, detail, fallback);
}

export function describeCode(code: number): string {
  const entry = lookupReturnCode(code);
  return entry ? `${entry.name} (${formatHex(code)}): ${entry.message}` : `unknown PC/SC code (${formatHex(code)})`;
}

export class PcscError extends Error {
  readonly code: number;
  readonly hex: string;
  /** SCARD_* name; `name` stays "PcscError" as for any Error subclass. */
  readonly scardName: string | null;
  readonly call: string | null;
  readonly detail: string;
  /** The table's meaning, or the binding's text for an unknown code. */
  readonly meaning: string;

  constructor(info: PcscErrorInfo) {
    super(`${info.name ?? 'unknown PC/SC code'} (${info.hex}): ${info.message}`);
    this.name = 'PcscError';
    this.code = info.code;
    this.hex = info.hex;
    this.scardName = info.name;
    this.call = info.call;
    this.detail = info.detail;
    this.meaning = info.message;
  }

  /** For failures this tool detects itself, worded as the binding would word them. */
  static fromCode(code: number, call: string | null): PcscError {
    const meaning = lookupReturnCode(code)?.message ?? '';
    return new PcscError(infoFor(code, call, `${call ?? 'PC/SC'} error: ${meaning}(${formatHex(code)})`, ''));
  }

  static from(error: unknown): PcscError | undefined {
    if (error instanceof PcscError) return error;
    const info = parsePcscError(error);
    return info && new PcscError(info);
  }

  toJSON(): { code: number; hex: string; name: string | null; message: string; call: string | null } {
    return { code: this.code, hex: this.hex, name: this.scardName, message: this.meaning, call: this.call };
  }
}
