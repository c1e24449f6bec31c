// `compare` as text that fits the terminal: a grid (a row per scenario, a
// column per stack) when the columns fit side by side, their cells wrapped;
// otherwise each scenario stacked, one line per stack. No line is ever wider
// than the width given, whatever the reports hold.
import { exitMeaning } from '../core/exit-codes.js';
import { hasUnsafeCharacters, UNSAFE_CHARACTERS, unicodeEscape } from '../core/unsafe-text.js';
import type { Cell, Comparison, Row } from '../comparison/compare.js';
import type { Mark, Outcome } from '../comparison/reports.js';

export const COMPARE_MARK: Record<Mark, string> = {
  'as-expected': '✔',
  'known-bug': '✖',
  unexpected: '!',
  inconclusive: '?',
  'no-reference': '·',
};

/** Text from a report file, on one line: control and bidi characters as \u escapes. */
export function safeText(text: string): string {
  return hasUnsafeCharacters(text) ? text.replace(UNSAFE_CHARACTERS, unicodeEscape) : text;
}

/** The first clause of a reason, for a cell; the whole reason is in --json. */
export function shortReason(reason: string | null): string {
  if (!reason) return 'no reason given';
  const clause = reason.split(/[;:(]| \u2014 /)[0]!.trim() || reason;
  return clause.length > 48 ? `${clause.slice(0, 47).trimEnd()}…` : clause;
}

/** What one outcome of a cell says: its mark, then the observed outcome, the bug's id or the reason. */
export function outcomeText(outcome: Outcome): string {
  const mark = COMPARE_MARK[outcome.mark];
  const observed = outcome.observed === null ? null : safeText(outcome.observed);
  switch (outcome.mark) {
    case 'as-expected':
      return `${mark} ${observed ?? 'as expected'}`;
    case 'known-bug':
      return `${mark} ${safeText(outcome.knownBug ?? 'known bug')}${observed ? ` ${observed}` : ''}`;
    case 'unexpected':
      return `${mark} unexpected${observed ? ` ${observed}` : ''}`;
    case 'no-reference':
      return `${mark} no reference${observed ? ` ${observed}` : ''}`;
    case 'inconclusive':
      return `${mark} inconclusive: ${safeText(shortReason(outcome.reason))}`;
  }
}

/** A cell's lines: one per outcome, with its share of the runs when they disagree. */
export function cellLines(cell: Cell): string[] {
  if (cell.notRun) return ['- not run'];
  if (cell.outcomes.length === 1) return [outcomeText(cell.outcomes[0]!)];
  return cell.outcomes.map((outcome) => `${outcomeText(outcome)} ${outcome.runs}/${cell.runs}`);
}

export function rowName(row: Row): string {
  const { id, digest } = row.scenario;
  return safeText(row.definitionDiffers ? `${id} (definition ${digest ?? 'not recorded'})` : id);
}

/** Terminal columns a character takes: East Asian wide and emoji 2, combining marks 0. */
function charWidth(code: number): number {
  if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || code === 0xfe0f) return 0;
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char.codePointAt(0)!);
  return width;
}

/** Breaks a word that is wider than `width` into pieces that are not. */
function splitWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const char of word) {
    if (piece && displayWidth(piece + char) > width) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** A word's pieces a line may end after: a scenario id breaks after its hyphens. */
const pieces = (word: string) => word.split(/(?<=-)(?=.)/);

/**
 * Word-wrapped lines no wider than `width` (at least 1), the lines after the
 * first no wider than `restWidth`: lines break at spaces, then after
 * hyphens, and a piece wider than the width is broken anywhere.
 */
export function wrap(text: string, width: number, restWidth = width): string[] {
  const limitOf = (lineCount: number) => Math.max(1, lineCount === 0 ? width : restWidth);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter(Boolean)) {
    pieces(word)
      .flatMap((piece) => splitWord(piece, Math.min(limitOf(0), limitOf(1))))
      .forEach((piece, index) => {
        const joined = line && `${line}${index === 0 ? ' ' : ''}${piece}`;
        if (joined && displayWidth(joined) <= limitOf(lines.length)) line = joined;
        else {
          if (line) lines.push(line);
          line = piece;
        }
      });
  }
  lines.push(line);
  return lines;
}

/** The widest piece of `text` that wrap() keeps whole. */
const widestPiece = (text: string) => Math.max(0, ...text.split(' ').flatMap(pieces).map(displayWidth));

/** `text` wrapped within `width`, its first line indented by `firstIndent` and the others by `indent` (less when the width is too small for it). */
function hanging(text: string, width: number, indent: number, firstIndent = 0): string[] {
  const first = Math.min(firstIndent, Math.max(0, width - 1));
  const rest = Math.min(indent, Math.max(0, width - 1));
  return wrap(text, width - first, width - rest).map((line, n) => `${' '.repeat(n === 0 ? first : rest)}${line}`);
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
const GAP = 2;
/** The narrowest the scenario column gets in a grid. */
const MIN_COLUMN = 12;

/**
 * Column widths that fit `width`, or null when the stacks' columns cannot
 * keep their widest unbreakable piece whole (the stacked layout then reads
 * better than a grid of broken names). The stacks' columns give way first,
 * the one with the most room to spare each time; the scenario column
 * (the first) last, down to MIN_COLUMN or its widest piece.
 */
function fitWidths(natural: number[], comfortable: number[], width: number): number[] | null {
  const widths = [...natural];
  const floor = comfortable.map((c, i) => (i === 0 ? Math.min(natural[0]!, Math.max(c, MIN_COLUMN)) : Math.min(natural[i]!, c)));
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1);
  while (total() > width) {
    const room = widths.map((w, i) => w - floor[i]!);
    const cellRoom = room.slice(1);
    const roomiest = Math.max(0, ...cellRoom) > 0 ? 1 + cellRoom.indexOf(Math.max(...cellRoom)) : 0;
    if (room[roomiest]! <= 0) return null;
    widths[roomiest] = widths[roomiest]! - 1;
  }
  return widths;
}

function grid(comparison: Comparison, width: number): string[] | null {
  const header = ['Scenario', ...comparison.columns.map((column) => `[${column.id}]`)];
  const body = comparison.rows.map((row) => [[rowName(row)], ...row.cells.map(cellLines)]);
  const natural = header.map((title, i) => Math.max(displayWidth(title), ...body.map((cells) => Math.max(...cells[i]!.map(displayWidth)))));
  // A cell's later lines are indented by 2 (hanging), so its pieces need that much more.
  const comfortable = header.map((title, i) =>
    Math.max(displayWidth(title), ...body.map((cells) => Math.max(...cells[i]!.map((line) => widestPiece(line) + (i === 0 ? 0 : 2))))),
  );
  const widths = fitWidths(natural, comfortable, width);
  if (!widths) return null;
  const render = (cells: string[][]) => {
    const wrapped = cells.map((lines, i) => lines.flatMap((line) => hanging(line, widths[i]!, i === 0 ? 0 : 2)));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    return Array.from({ length: height }, (_, n) =>
      wrapped
        .map((lines, i) => pad(lines[n] ?? '', widths[i]!))
        .join(' '.repeat(GAP))
        .trimEnd(),
    );
  };
  return [...render(header.map((title) => [title])), ...body.flatMap(render)];
}

function stacked(comparison: Comparison, width: number): string[] {
  return comparison.rows.flatMap((row) => [
    ...hanging(rowName(row), width, 2),
    ...row.cells.flatMap((cell) => {
      const [first, ...more] = cellLines(cell);
      const tag = `[${cell.column}] `;
      return [
        ...hanging(`${tag}${first}`, width, 2 + tag.length, 2),
        ...more.flatMap((line) => hanging(line, width, 2 + tag.length + 2, 2 + tag.length)),
      ];
    }),
  ]);
}

export interface CompareTextOptions {
  /** The terminal's width in columns. */
  width: number;
  /** Only the rows whose columns differ are in `comparison`. */
  differences: boolean;
  /** How many rows there were before --differences left some out. */
  totalRows: number;
}

export function renderCompareText(comparison: Comparison, options: CompareTextOptions): string {
  const width = Math.max(1, Math.floor(options.width));
  const lines: string[] = [];
  if (comparison.rows.length) lines.push(...(grid(comparison, width) ?? stacked(comparison, width)));
  else if (options.differences && options.totalRows > 0)
    lines.push(
      ...wrap(`No row differs: every column that ran a scenario ended it the same way (${options.totalRows} rows compared).`, width),
    );
  else lines.push(...wrap('Nothing to compare: no report has a scenario.', width));
  if (comparison.columns.length) {
    lines.push('', 'Columns');
    for (const column of comparison.columns) {
      const tag = `[${column.id}] `;
      lines.push(...hanging(`${tag}${safeText(column.label)}`, width, 2 + tag.length, 2));
      lines.push(...hanging(`from ${column.files.map(safeText).join(', ')}`, width, 2 + tag.length + 2, 2 + tag.length));
    }
  }
  if (comparison.notes.length) {
    lines.push('', 'Notes');
    for (const note of comparison.notes) lines.push(...hanging(safeText(note), width, 4, 2));
  }
  lines.push('', ...wrap(`Result: ${exitMeaning(comparison.exitCode, 'compare')} (exit ${comparison.exitCode})`, width));
  return `${lines.join('\n')}\n`;
}
