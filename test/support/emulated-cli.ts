// The CLI through a platform emulation (test/fixtures/emulations): the ffi
// binding calls the emulation library with that platform's interface
// (SC_REPRO_FFI_LAYOUT), and the emulation forwards to the real libpcsclite,
// or to the library SC_REPRO_EMULATION_BACKEND names (an interposer, for one
// role with --contender-env). Role processes inherit both settings.
import assert from 'node:assert/strict';
import { buildEmulation, type EmulationKind } from './emulations.js';
import { jsonOutput, runCli, startCli, type CliResult, type RunningCli } from './cli.js';
import { judgedMatrix } from './judged-matrix.js';

export interface EmulatedCli {
  layout: EmulationKind;
  /** The emulation library's absolute path. */
  library: string;
  run(args: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult>;
  start(args: string[], options?: { env?: NodeJS.ProcessEnv }): RunningCli;
}

export async function emulatedCli(layout: EmulationKind): Promise<EmulatedCli> {
  const library = await buildEmulation(layout);
  const argv = (args: string[]) => ['--binding', 'ffi', '--pcsc-library', library, ...args];
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ SC_REPRO_FFI_LAYOUT: layout, ...extra });
  return {
    layout,
    library,
    run: (args, options = {}) => runCli(argv(args), { ...options, env: env(options.env) }),
    start: (args, options = {}) => startCli(argv(args), { env: env(options.env) }),
  };
}

/** The report's binding is the emulation's: the ffi binding in every process, the library and the layout named. */
export function assertEmulatedBinding(report: any, emulation: EmulatedCli): void {
  const { name, library, layout, roles } = report.environment.binding;
  assert.deepEqual(
    { name, library, layout, roles },
    { name: 'ffi', library: emulation.library, layout: emulation.layout, roles: { holder: 'ffi', contender: 'ffi' } },
  );
}

export interface MatrixRow {
  scenario: { id: string };
  verdict: string;
  observed: string;
  knownBug: { vendorBug: string } | null;
  reason: string;
  precondition: { evidence: string | null };
}

/** The rows that are not `not-affected`: "verdict observed bug" by scenario id. */
export function deviations(rows: readonly MatrixRow[]): Record<string, string> {
  return Object.fromEntries(
    rows
      .filter((row) => row.verdict !== 'not-affected')
      .map((row) => [row.scenario.id, `${row.verdict} ${row.observed} ${row.knownBug?.vendorBug ?? '-'}`]),
  );
}

/** Why each row that is not `not-affected` is what it is, one line each. */
export function deviationReasons(rows: readonly MatrixRow[]): string {
  return rows
    .filter((row) => row.verdict !== 'not-affected')
    .map((row) => `${row.scenario.id}: ${row.verdict}: ${row.reason}`)
    .join('\n');
}

/** Rows where either role connects in direct mode. */
export function isDirectRow(row: MatrixRow): boolean {
  return row.scenario.id.includes('direct');
}

/**
 * `matrix --json --virtual` through the emulation: the report and its rows,
 * with why each row that deviates does, printed as a diagnostic of `t`.
 */
export async function emulatedMatrix(
  t: { diagnostic(message: string): void },
  emulation: EmulatedCli,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ result: CliResult; report: any; rows: MatrixRow[]; why: string }> {
  const result = await judgedMatrix(
    () => emulation.run(['matrix', '--json', '--virtual', '--blocked-after', '0.3', ...args], { env, timeoutMs: 150_000 }),
    (line) => t.diagnostic(line),
  );
  const report = jsonOutput(result.stdout);
  const rows: MatrixRow[] = report.rows;
  const why = deviationReasons(rows);
  t.diagnostic(`matrix through the ${emulation.layout} emulation: exit ${result.code}, ${rows.length} rows, ${Math.round(result.ms)} ms`);
  for (const line of why.split('\n').filter(Boolean)) t.diagnostic(line);
  return { result, report, rows, why };
}
