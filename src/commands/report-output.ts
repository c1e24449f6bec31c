// Where a report goes: the chosen format on stdout, or, with --output, the
// chosen format in the file and the human summary on the terminal.
import { writeFile } from 'node:fs/promises';
import { renderErrorLines } from '../render/errors.js';

export type ReportFormat = 'text' | 'json' | 'markdown';

export interface Renderers<T> {
  text(report: T): string;
  markdown(report: T): string;
}

export function renderAs<T>(report: T, format: ReportFormat, renderers: Renderers<T>): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return renderers[format](report);
}

/**
 * Shows the report; false when the --output file could not be written. The
 * verdict is on the terminal either way, and the file's failure is one line.
 */
export async function emitReport<T>(report: T, renderers: Renderers<T>, format: ReportFormat, output: string | undefined): Promise<boolean> {
  if (!output) {
    process.stdout.write(renderAs(report, format, renderers));
    return true;
  }
  const written = await writeFile(output, renderAs(report, format, renderers)).then(
    () => null,
    (error: NodeJS.ErrnoException) => error,
  );
  process.stdout.write(renderers.text(report));
  if (!written) {
    process.stdout.write(`Report written to ${output}\n`);
    return true;
  }
  process.stderr.write(`${renderErrorLines({ message: `could not write the report to ${output} (${written.code ?? written.message})` }).join('\n')}\n`);
  return false;
}
