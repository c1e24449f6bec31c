import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ScReproError } from '../core/errors.js';
import { compareReports, differingRows, type Comparison } from '../comparison/compare.js';
import { readReport, type ComparableReport } from '../comparison/reports.js';
import { renderCompareMarkdown } from '../render/compare-markdown.js';
import { renderCompareText } from '../render/compare-text.js';
import { renderJson, SCHEMA_VERSION } from '../render/json.js';

/** Version 2 is the first whose reports name the command and carry the command line as `commandLine`. */
export const COMPARABLE_SCHEMA_VERSIONS: readonly number[] = Array.from({ length: SCHEMA_VERSION - 1 }, (_, i) => i + 2);

export interface CompareCommandOptions {
  /** Report files, and folders whose *.json files are reports. */
  paths: readonly string[];
  format: 'text' | 'markdown' | 'json';
  differences: boolean;
  /** The width text must fit. */
  width: number;
}

/** A file that cannot be used is bad input: one line naming it and why, exit 64, before anything is printed. */
const unusable = (path: string, why: string) => new ScReproError(`${path}: ${why}`, 'usage');

/** Every file the paths name, in the order given; a folder's *.json files by name. */
export async function reportFiles(paths: readonly string[]): Promise<{ files: string[]; emptyFolders: string[] }> {
  const files: string[] = [];
  const emptyFolders: string[] = [];
  for (const path of paths) {
    const found = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw unusable(path, error.code === 'ENOENT' ? 'no such file or folder' : `cannot be read (${error.code ?? error.message})`);
    });
    if (!found.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true });
    const inside = entries
      .filter((entry) => !entry.isDirectory() && extname(entry.name).toLowerCase() === '.json')
      .map((entry) => join(path, entry.name))
      // Numbers in names by value: 1.8.8.json before 1.8.16.json, as releases are read.
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (inside.length === 0) emptyFolders.push(path);
    files.push(...inside);
  }
  return { files: [...new Set(files)], emptyFolders };
}

/** Reads every report; the first file that is not one ends the command. */
export async function loadComparison(paths: readonly string[]): Promise<Comparison> {
  const { files, emptyFolders } = await reportFiles(paths);
  const reports: ComparableReport[] = [];
  const noReport: { file: string; message: string }[] = [];
  for (const file of files) {
    const content = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw unusable(file, `cannot be read (${error.code ?? error.message})`);
    });
    const read = readReport(file, content, COMPARABLE_SCHEMA_VERSIONS);
    if (read.kind === 'unusable') throw unusable(file, read.why);
    if (read.kind === 'no-report') noReport.push(read);
    else reports.push(read.report);
  }
  const comparison = compareReports(reports, noReport);
  const notes = emptyFolders.map((folder) => `${folder}: no *.json file in this folder`);
  return { ...comparison, notes: [...notes, ...comparison.notes] };
}

export async function compareCommand(options: CompareCommandOptions): Promise<number> {
  const all = await loadComparison(options.paths);
  const shown = options.differences ? differingRows(all) : all;
  const totalRows = all.rows.length;
  const text =
    options.format === 'json'
      ? renderJson('compare', shown.exitCode, { differencesOnly: options.differences, rowsCompared: totalRows, ...shown })
      : options.format === 'markdown'
        ? renderCompareMarkdown(shown, { differences: options.differences, totalRows })
        : renderCompareText(shown, { width: options.width, differences: options.differences, totalRows });
  process.stdout.write(text);
  return shown.exitCode;
}

/** The width text output must fit: the terminal's, else COLUMNS, else 80. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env = process.env): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : 80;
}
