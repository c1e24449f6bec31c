// Reader names come from drivers and reader.conf, and pcsc-lite passes them on
// untouched: a reader.conf FRIENDLYNAME whose quote is never closed keeps the
// newline, for one. Text output is read line by line (labels such as
// "Reader", one reader per line in `readers`), so a raw newline in a name
// would forge a line of the report, and an ESC would drive the terminal.
// A name holding such a character is therefore shown as a JSON string: it
// cannot span lines, it shows exactly which characters are there, and it is
// the form the --reader error messages already use. Any other name, however
// odd (spaces, quotes, `|`, backticks, non-Latin text), is shown verbatim, so
// what the user sees is what they can pass to --reader.

import { hasUnsafeCharacters, UNSAFE_CHARACTERS, unicodeEscape } from '../core/unsafe-text.js';

/** The name verbatim, or JSON-quoted when it holds a line break or control character. */
export function displayName(name: string): string {
  if (!hasUnsafeCharacters(name)) return name;
  // JSON.stringify escapes C0 but leaves DEL, C1, U+2028/2029 and the bidi controls as they are.
  return JSON.stringify(name).replace(UNSAFE_CHARACTERS, unicodeEscape);
}
