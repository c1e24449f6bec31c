// Markdown for bug reports, pasted into GitHub issues and read as plain text
// in mail and Apple Feedback, and grepped. Values (PC/SC names and codes,
// commands, reader names, ATRs, ids) go in code spans, never backslash-escaped,
// so `grep SCARD_E_SHARING_VIOLATION report.md` finds them. Reader names and
// error texts come from drivers and localized OS messages: a `|`, a backtick,
// a newline or a control character in one must not break a table or forge a
// line.
import { unicodeEscape, UNSAFE_CHARACTERS } from '../core/unsafe-text.js';

/**
 * A code span for `value` (CommonMark): a fence longer than any backtick run
 * inside, padded with a space where the value starts or ends with a backtick
 * or a space. Line breaks and control characters become \u escapes: a span
 * cannot hold them. In a table cell a `|` is written `\|`, which GFM turns
 * back into `|` inside code spans too.
 */
export function code(value: string, cell = true): string {
  if (value === '') return '';
  const safe = value.replace(UNSAFE_CHARACTERS, unicodeEscape);
  const runs = new Set([...safe.matchAll(/`+/g)].map((match) => match[0].length));
  let length = 1;
  while (runs.has(length)) length++;
  const fence = '`'.repeat(length);
  const pad = /^`|`$/.test(safe) || (/^ /.test(safe) && / $/.test(safe) && /[^ ]/.test(safe)) ? ' ' : '';
  return `${fence}${pad}${cell ? safe.replace(/\|/g, '\\|') : safe}${pad}${fence}`;
}

/** Characters that would start markup in plain words. Underscores never reach here: a word with one is a code span. */
const MARKUP = /[\\`*[\]~#!|]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Prose (reasons, hints, notes, titles): what the text already quotes in
 * backticks becomes a code span, and so does any word with an underscore
 * (SCARD_W_RESET_CARD, a path): no `\_` ever. Other markup characters are
 * escaped; a line break is `<br>` in a table cell, a space elsewhere.
 */
export function prose(text: string, cell = true): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 1 ? code(part.slice(1, -1), cell) : plain(part, cell)))
    .join('');
}

function plain(text: string, cell: boolean): string {
  return text
    .split(/(\s+)/)
    .map((word) => {
      if (/^\s+$/.test(word)) return /[\r\n\u2028\u2029]/.test(word) ? (cell ? '<br>' : ' ') : word;
      // Punctuation around an identifier stays outside its span; a closing parenthesis it opened stays inside.
      const match = /^([("'[]*)(.*?)([)"'\].,;:!?]*)$/s.exec(word)!;
      let [, before, core, after] = match as unknown as [string, string, string, string];
      while (after.startsWith(')') && count(core, '(') > count(core, ')')) {
        core += ')';
        after = after.slice(1);
      }
      if (core.includes('_')) return `${escapeWord(before)}${code(core, cell)}${escapeWord(after)}`;
      return escapeWord(word);
    })
    .join('');
}

const count = (text: string, character: string) => text.split(character).length - 1;

function escapeWord(word: string): string {
  return word
    .replace(UNSAFE_CHARACTERS, unicodeEscape)
    .replace(/[&<>]/g, (character) => ENTITIES[character]!)
    .replace(MARKUP, '\\$&');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell || ' ').join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A fenced block whose fence is longer than any backtick run inside it. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** A block a reader opens on demand (GitHub, GitLab and most trackers render it). */
export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
