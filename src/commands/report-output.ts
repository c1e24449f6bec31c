// Where a report goes: the chosen format on stdout, or, with --output, the
// chosen format in the file and the human summary on the terminal.
import { writeFile } from 'node:fs/promises';
import { stripVTControlCharacters } from 'node:util';
import { renderErrorLines } from '../render/errors.js';

export type ReportFormat = 'text' | 'json' | 'markdown';

export interface Renderers<T> {
  text(report: T): string;
  markdown(report: T): string;
  json(report: T): string;
}

/** What goes where, and whether the terminal already shows the text report (so stderr need not repeat its reason). */
export interface Delivery {
  written: boolean;
  textOnTerminal: boolean;
}

/**
 * Shows the report; `written` is false when the --output file could not be
 * written. The verdict is on the terminal either way, and the file's failure
 * is one line. A file never gets colour codes, whatever the terminal takes.
 */
export async function emitReport<T>(report: T, renderers: Renderers<T>, format: ReportFormat, output: string | undefined): Promise<Delivery> {
  const textOnTerminal = !!process.stdout.isTTY && (format === 'text' || !!output);
  const rendered = renderers[format](report);
  if (!output) {
    process.stdout.write(rendered);
    return { written: true, textOnTerminal };
  }
  const written = await writeFile(output, stripVTControlCharacters(rendered)).then(
    () => null,
    (error: NodeJS.ErrnoException) => error,
  );
  process.stdout.write(format === 'text' ? rendered : renderers.text(report));
  if (!written) {
    process.stdout.write(`Report written to ${output}\n`);
    return { written: true, textOnTerminal };
  }
  process.stderr.write(`${renderErrorLines({ message: `could not write the report to ${output} (${written.code ?? written.message})` }).join('\n')}\n`);
  return { written: false, textOnTerminal };
}
