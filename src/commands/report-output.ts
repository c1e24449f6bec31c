// Where a report goes: the chosen format on stdout, or, with --output, the
// chosen format in the file and the human summary on the terminal.
import { writeFile } from 'node:fs/promises';

export type ReportFormat = 'text' | 'json' | 'markdown';

export interface Renderers<T> {
  text(report: T): string;
  markdown(report: T): string;
}

export function renderAs<T>(report: T, format: ReportFormat, renderers: Renderers<T>): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return renderers[format](report);
}

export async function emitReport<T>(report: T, renderers: Renderers<T>, format: ReportFormat, output: string | undefined): Promise<void> {
  if (!output) return void process.stdout.write(renderAs(report, format, renderers));
  await writeFile(output, renderAs(report, format, renderers));
  process.stdout.write(renderers.text(report));
  process.stdout.write(`Report written to ${output}\n`);
}
