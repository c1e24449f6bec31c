// Where a report goes: the chosen format on stdout, or, with --output, each
// file in the format its name asks for and the human summary on the terminal.
import { close, promises, write } from 'node:fs';
import { extname } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { renderErrorLines } from '../render/errors.js';
import { out } from '../render/style.js';

export type ReportFormat = 'text' | 'json' | 'markdown';

/** The extensions that choose a file's format: several files of one run, as hyperfine's --export-json and --export-markdown give. */
const FORMAT_BY_EXTENSION: Readonly<Record<string, ReportFormat>> = { '.json': 'json', '.md': 'markdown', '.txt': 'text' };

/**
 * The format of one --output file: its extension's (`.json`, `.md`, `.txt`,
 * in any case), else the one the command line chose (a pipe, `/dev/fd/63`,
 * `report.log`).
 */
export function outputFormat(path: string, chosen: ReportFormat): ReportFormat {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()] ?? chosen;
}

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
        offset += await new Promise<number>((resolve, reject) =>
          write(fd, data, offset, data.length - offset, null, (error, written) => (error ? reject(error) : resolve(written))),
        );
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

/** The report in `format` for a file: rendered with colour off, since a file is read elsewhere, later, by anything. */
function renderForFile<T>(report: T, renderers: Renderers<T>, format: ReportFormat): string {
  const level = out.level;
  out.level = 0;
  try {
    // Colour is off; the strip is for an escape a renderer might write on its own.
    return stripVTControlCharacters(renderers[format](report));
  } finally {
    out.level = level;
  }
}

/**
 * Shows the report; `written` is false when an --output file could not be
 * written. The verdict is on the terminal either way, and each file's failure
 * is one line. Every file gets the same report (one run), each in its own
 * format, and never colour codes, whatever the terminal takes.
 */
export async function emitReport<T>(
  report: T,
  renderers: Renderers<T>,
  format: ReportFormat,
  outputs: readonly OutputTarget[],
): Promise<Delivery> {
  const textOnTerminal = !!process.stdout.isTTY && (format === 'text' || outputs.length > 0);
  if (outputs.length === 0) {
    process.stdout.write(renderers[format](report));
    return { written: true, textOnTerminal };
  }
  // Written side by side: a pipe whose reader is slow delays its own report, not the others'.
  const failures = await Promise.all(
    outputs.map((output) => {
      const text = renderForFile(report, renderers, outputFormat(output.path, format));
      // fs.promises loads on first use: a run that writes no file does not pay for loading it.
      return (output.fd === undefined ? promises.writeFile(output.path, text) : writeToOpen(output.fd, text)).then(
        () => null,
        (error: NodeJS.ErrnoException) => error,
      );
    }),
  );
  process.stdout.write(renderers.text(report));
  outputs.forEach((output, index) => {
    if (!failures[index]) process.stdout.write(`Report written to ${output.path}\n`);
  });
  outputs.forEach((output, index) => {
    const failure = failures[index];
    if (failure)
      process.stderr.write(
        `${renderErrorLines({ message: `could not write the report to ${output.path} (${failure.code ?? failure.message})` }).join('\n')}\n`,
      );
  });
  return { written: failures.every((failure) => !failure), textOnTerminal };
}
