// PC/SC errors that carry their numeric code, like pyscard's. The binding only
// gives a plain Error whose text ends in the code, in several spellings.
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

/**
 * Every spelling of a PC/SC code seen in binding messages: (0x8010000b),
 * 0X8010000B, (8010000b), (-2146435061) and 2148532235. The last match wins,
 * because a localized Windows text may contain other numbers first.
 */
const CODE_PATTERNS: { pattern: RegExp; parse: (token: string) => number }[] = [
  { pattern: /0x([0-9a-f]{1,8})\b/gi, parse: (hex) => parseInt(hex, 16) },
  { pattern: /(?<![0-9a-z])(8010[0-9a-f]{4})(?![0-9a-z])/gi, parse: (hex) => parseInt(hex, 16) },
  { pattern: /(?<![0-9a-z.])(-21464\d{5}|21485\d{5})(?![0-9])/g, parse: (dec) => Number(dec) >>> 0 },
];

function lastCode(text: string): number | undefined {
  let best: { index: number; code: number } | undefined;
  for (const { pattern, parse } of CODE_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const code = parse(match[1]!) >>> 0;
      if (((code & 0xffff0000) >>> 0) !== 0x80100000) continue;
      if (!best || match.index! >= best.index) best = { index: match.index!, code };
    }
  }
  return best?.code;
}

function infoFor(code: number, call: string | null, detail: string): PcscErrorInfo {
  const entry = lookupReturnCode(code);
  const fromText = detail.replace(/^\w+ error:\s*/, '').replace(/\s*\(?(0x)?[0-9a-f-]+\)?\s*$/i, '').trim();
  return {
    code: code >>> 0,
    hex: formatHex(code),
    name: entry?.name ?? null,
    message: entry?.message ?? (fromText || 'Unknown PC/SC error.'),
    call,
    detail,
  };
}

export function parsePcscError(error: unknown): PcscErrorInfo | undefined {
  const text = (error instanceof Error ? error.message : typeof error === 'string' ? error : '').trim();
  const code = lastCode(text);
  if (code === undefined) return undefined;
  const call = /^\s*(SCard\w+|\w+)\s+error\b/.exec(text)?.[1] ?? null;
  return infoFor(code, call, text);
}

export function describeCode(code: number): string {
  const entry = lookupReturnCode(code);
  return entry ? `${entry.name} (${formatHex(code)}): ${entry.message}` : `unknown PC/SC code (${formatHex(code)})`;
}

export class PcscError extends Error {
  readonly code: number;
  readonly hex: string;
  readonly scardName: string | null;
  readonly call: string | null;
  readonly detail: string;
  readonly meaning: string;

  constructor(info: PcscErrorInfo) {
    super(info.name ? `${info.name} (${info.hex}): ${info.message}` : `unknown PC/SC code (${info.hex}): ${info.message}`);
    this.name = 'PcscError';
    this.code = info.code;
    this.hex = info.hex;
    this.scardName = info.name;
    this.call = info.call;
    this.detail = info.detail;
    this.meaning = info.message;
  }

  static fromCode(code: number, call: string | null): PcscError {
    return new PcscError(infoFor(code, call, `${call ?? 'PC/SC'} error: (${formatHex(code)})`));
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
