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

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

/** `\u001b` for ESC: the escape JSON uses, and plain ASCII. */
export function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The name verbatim, or JSON-quoted when it holds a line break or control character. */
export function displayName(name: string): string {
  if (!hasUnsafeCharacters(name)) return name;
  // JSON.stringify escapes C0 but leaves DEL, C1 and U+2028/2029 as they are.
  return JSON.stringify(name).replace(UNSAFE_ALL, unicodeEscape);
}
