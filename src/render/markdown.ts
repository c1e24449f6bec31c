// Markdown for bug reports. Reader names and error texts come from drivers and
// localized OS messages, so every cell is escaped: a `|`, a backtick or a
// newline in a name must not break the table.
import { unicodeEscape } from './display-name.js';

/**
 * Control characters other than line breaks and tabs, as \u escapes: a report
 * is also read with `cat`, where an ESC in a reader name would drive the
 * terminal, and a renderer shows such characters as nothing at all.
 */
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Escapes text for a GFM table cell (also safe in a paragraph). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROLS, unicodeEscape)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#!])/g, '\\$1')
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, '<br>');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A fenced block whose fence is longer than any backtick run inside it. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}
