// Characters that make text lie when it is shown: C0 and C1 controls, DEL,
// the Unicode line and paragraph separators (a forged line in a report, an
// ESC that drives the terminal), and the bidirectional controls (marks,
// embeddings, overrides, isolates), with which text displays in another
// order than it is stored ("Trojan Source"). Reader names and driver texts
// may hold any of them.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Every unsafe character, for replace(). */
export const UNSAFE_CHARACTERS = new RegExp(UNSAFE.source, 'g');

export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

/** `\u001b` for ESC: the escape JSON uses, and plain ASCII. */
export function unicodeEscape(character: string): string {
  return `\\u${hex4(character)}`;
}

/** A UTF-16 code unit as four hex digits, as \u escapes of every language write it. */
export function hex4(character: string): string {
  return character.charCodeAt(0).toString(16).padStart(4, '0');
}
