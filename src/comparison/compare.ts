// One table from many reports: a row per scenario (per definition of it), a
// column per stack. Reports of one stack merge into its column, and where
// their runs disagree the cell keeps the tally: an intermittent bug is a
// finding, not noise to average away.
import { EXIT, type ExitCode } from '../core/exit-codes.js';
import type { ComparableReport, Mark, Outcome, StackIdentity } from './reports.js';

export interface Column {
  /** 1, 2, …: the order in which the files given first name the stack. */
  id: number;
  /** The stack in words: OS and version, PC/SC service, client library, binding and layout, role environment. */
  label: string;
  stack: StackIdentity;
  files: string[];
}

export interface Cell {
  column: number;
  /** No report of this column has the scenario (with this definition). */
  notRun: boolean;
  /** Most serious first; more than one means the column's runs disagree. */
  outcomes: Outcome[];
  runs: number;
}

export interface Row {
  scenario: { id: string; title: string; digest: string | null };
  /** Set when reports define the scenario differently: each definition is a row of its own. */
  definitionDiffers: boolean;
  cells: Cell[];
  /** Two columns that ran the scenario ended differently, or one column's runs disagree. */
  differs: boolean;
}

export interface Comparison {
  columns: Column[];
  rows: Row[];
  /** What the reader of the table needs to know besides it: scenarios split by definition, files with no report. */
  notes: string[];
  exitCode: ExitCode;
}

const SERIOUSNESS: readonly Mark[] = ['known-bug', 'unexpected', 'inconclusive', 'no-reference', 'as-expected'];

/** The facts that make two reports one column; the pid of a daemon or the Node release do not. */
function stackKey(stack: StackIdentity): string {
  const { os, osVersion, osBuild, platform, arch, pcscService, pcscClient, binding, roleEnvironment } = stack;
  return JSON.stringify([os, osVersion, osBuild, platform, arch, pcscService, pcscClient, binding, roleEnvironment]);
}

export function stackLabel(stack: StackIdentity): string {
  const service = stack.pcscService === null ? 'PC/SC service not known' : stack.pcscService.split('\n')[0]!.replace(/\.$/, '');
  const client = stack.pcscClient ?? 'client library not known';
  const binding = stack.binding
    ? `${stack.binding.name}${stack.binding.version ? ` ${stack.binding.version}` : ''} binding, ${stack.binding.library}, ${stack.binding.layout} layout`
    : 'binding not known';
  const roles = stack.roleEnvironment.length ? `; ${stack.roleEnvironment.join(', ')}` : '';
  return `${stack.os} ${stack.osVersion} (${stack.arch}); ${service}; ${client}; ${binding}${roles}`;
}

/** Outcomes that read the same in a cell are one entry with their runs added. */
function outcomeKey(outcome: Outcome): string {
  return JSON.stringify([outcome.mark, outcome.observed, outcome.knownBug, outcome.mark === 'inconclusive' ? null : outcome.reason]);
}

function merge(outcomes: readonly Outcome[]): Outcome[] {
  const merged = new Map<string, Outcome>();
  for (const outcome of outcomes) {
    const key = outcomeKey(outcome);
    const found = merged.get(key);
    merged.set(key, found ? { ...found, runs: found.runs + outcome.runs } : { ...outcome });
  }
  return [...merged.values()].sort((a, b) => SERIOUSNESS.indexOf(a.mark) - SERIOUSNESS.indexOf(b.mark) || b.runs - a.runs);
}

/** What a cell says, counts aside: two cells that say the same are not a difference. */
const cellSays = (cell: Cell) => JSON.stringify(cell.outcomes.map((outcome) => [outcome.mark, outcome.observed, outcome.knownBug]));

const shortDigest = (digest: string | null) => (digest === null ? 'not recorded' : digest);

export function compareReports(
  reports: readonly ComparableReport[],
  noReport: readonly { file: string; message: string }[] = [],
): Comparison {
  const columns: Column[] = [];
  const columnOf = new Map<ComparableReport, Column>();
  const byKey = new Map<string, Column>();
  for (const report of reports) {
    const key = stackKey(report.stack);
    let column = byKey.get(key);
    if (!column) {
      column = { id: columns.length + 1, label: stackLabel(report.stack), stack: report.stack, files: [] };
      columns.push(column);
      byKey.set(key, column);
    }
    if (!column.files.includes(report.file)) column.files.push(report.file);
    columnOf.set(report, column);
  }

  // Rows in the order the files first name them; a scenario with several definitions keeps one row per definition.
  const definitions = new Map<string, Map<string | null, { title: string; found: { report: ComparableReport; outcomes: Outcome[] }[] }>>();
  for (const report of reports) {
    for (const result of report.results) {
      const byDigest = definitions.get(result.id) ?? new Map();
      definitions.set(result.id, byDigest);
      const entry = byDigest.get(result.digest) ?? { title: result.title, found: [] };
      byDigest.set(result.digest, entry);
      entry.found.push({ report, outcomes: result.outcomes });
    }
  }

  const notes: string[] = noReport.map(({ file, message }) => `${file}: no report to compare, the run ended with an error: ${message}`);
  const rows: Row[] = [];
  for (const [id, byDigest] of definitions) {
    const definitionDiffers = byDigest.size > 1;
    if (definitionDiffers)
      notes.push(
        `${id}: its definition differs between reports, so each definition has a row of its own: ${[...byDigest]
          .map(([digest, { found }]) => `${shortDigest(digest)} in ${[...new Set(found.map(({ report }) => report.file))].join(', ')}`)
          .join('; ')}`,
      );
    for (const [digest, { title, found }] of byDigest) {
      const cells = columns.map((column): Cell => {
        const outcomes = merge(found.filter(({ report }) => columnOf.get(report) === column).flatMap((entry) => entry.outcomes));
        return {
          column: column.id,
          notRun: outcomes.length === 0,
          outcomes,
          runs: outcomes.reduce((sum, outcome) => sum + outcome.runs, 0),
        };
      });
      const ran = cells.filter((cell) => !cell.notRun);
      const differs = new Set(ran.map(cellSays)).size > 1 || ran.some((cell) => cell.outcomes.length > 1);
      rows.push({ scenario: { id, title, digest }, definitionDiffers, cells, differs });
    }
  }
  return { columns, rows, notes, exitCode: comparisonExit(rows) };
}

/**
 * 0 when every cell is as expected; 1 when any run of any cell deviates (a
 * known bug, or unexpected); 2 when nothing could be compared, or when no
 * cell deviates but some are not as expected (inconclusive, no reference,
 * not run), as a matrix with an unjudged row exits 2.
 */
export function comparisonExit(rows: readonly Row[]): ExitCode {
  const cells = rows.flatMap((row) => row.cells);
  if (cells.length === 0 || cells.every((cell) => cell.notRun)) return EXIT.environment;
  const marks = new Set(cells.flatMap((cell) => cell.outcomes.map((outcome) => outcome.mark)));
  if (marks.has('known-bug') || marks.has('unexpected')) return EXIT.failed;
  if (cells.some((cell) => cell.notRun) || [...marks].some((mark) => mark !== 'as-expected')) return EXIT.environment;
  return EXIT.ok;
}

/** The rows `--differences` keeps. */
export function differingRows(comparison: Comparison): Comparison {
  return { ...comparison, rows: comparison.rows.filter((row) => row.differs) };
}
