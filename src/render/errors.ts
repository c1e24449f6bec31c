import type { ErrorReport } from '../core/errors.js';
import { err } from './style.js';

/** One line for the cause, and one for what to do when there is a hint. */
export function renderErrorLines(report: ErrorReport, label = 'error'): string[] {
  const lines = [`${err.red(`sc-repro: ${label}:`)} ${oneLine(report.message)}`];
  if (report.hint) lines.push(`${err.yellow('hint:')} ${oneLine(report.hint)}`);
  return lines;
}

/** Windows error texts carry CR/LF; an error must stay on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
