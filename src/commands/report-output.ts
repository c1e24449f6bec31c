// Where a report goes: the chosen format on stdout, or, with --output, the
// chosen format in the file and the human summary on the terminal.
import { close, write } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { stripVTControlCharacters } from 'node:util';
import { renderErrorLines } from '../render/errors.js';

export type ReportFormat = 'text' | 'json' | 'markdown';

export interface Renderers<T> {
  text(report: T): string;
  markdown(report: T): string;
  json(report: T): string;
}

/**
 * Where --output goes: a file, written by path once the report is ready; or
 * a pipe or a device, opened (without waiting) when the command line was
 * checked and kept open until then, so that the reader that was there gets
 * the report and no second open waits for one.
 */
export interface OutputTarget {
  path: string;
  fd?: number;
}

/** How long a full pipe is left to its reader before the next try. */
const PIPE_FULL_RETRY_MS = 10;

/**
 * All of `text` to a descriptor opened non-blocking, then closed: a full pipe
 * (EAGAIN) is waited for without holding a thread, so a slow reader delays the
 * report but never stops the process from ending on a signal.
 */
async function writeToOpen(fd: number, text: string): Promise<void> {
  const data = Buffer.from(text);
  try {
    for (let offset = 0; offset < data.length; ) {
      try {
        offset += await new Promise<number>((resolve, reject) => write(fd, data, offset, data.length - offset, null, (error, written) => (error ? reject(error) : resolve(written))));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        await new Promise((resolve) => setTimeout(resolve, PIPE_FULL_RETRY_MS));
      }
    }
  } finally {
    await new Promise((resolve) => close(fd, resolve));
  }
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
export async function emitReport<T>(report: T, renderers: Renderers<T>, format: ReportFormat, output: OutputTarget | undefined): Promise<Delivery> {
  const textOnTerminal = !!process.stdout.isTTY && (format === 'text' || !!output);
  const rendered = renderers[format](report);
  if (!output) {
    process.stdout.write(rendered);
    return { written: true, textOnTerminal };
  }
  const text = stripVTControlCharacters(rendered);
  const written = await (output.fd === undefined ? writeFile(output.path, text) : writeToOpen(output.fd, text)).then(
    () => null,
    (error: NodeJS.ErrnoException) => error,
  );
  process.stdout.write(format === 'text' ? rendered : renderers.text(report));
  if (!written) {
    process.stdout.write(`Report written to ${output.path}\n`);
    return { written: true, textOnTerminal };
  }
  process.stderr.write(`${renderErrorLines({ message: `could not write the report to ${output.path} (${written.code ?? written.message})` }).join('\n')}\n`);
  return { written: false, textOnTerminal };
}
