// Every --json output is one object with the same envelope: which schema,
// which command, whether it ended with exit 0, and the exit code. The fields
// of each command follow; `sc-repro schema` describes them all.

/** Version 2: `command` names the sc-repro command, the command line moved to `commandLine`. */
export const SCHEMA_VERSION = 2;

export const JSON_COMMANDS = [
  'repro',
  'matrix',
  'compare',
  'scenarios',
  'lock',
  'connect',
  'readers',
  'doctor',
  'virtual-card',
  'schema',
] as const;
export type JsonCommand = (typeof JSON_COMMANDS)[number];

export interface Envelope {
  schemaVersion: typeof SCHEMA_VERSION;
  command: JsonCommand;
  /** True exactly when exitCode is 0. */
  ok: boolean;
  exitCode: number;
}

export function envelope(command: JsonCommand, exitCode: number): Envelope {
  return { schemaVersion: SCHEMA_VERSION, command, ok: exitCode === 0, exitCode };
}

/**
 * One command's result (or, from runCommand, the error that kept it from one), pretty-printed as every --json output is.
 * The envelope leads and has the last word: a body's own `exitCode` or `ok` cannot contradict the code the process exits with.
 */
export function renderJson(command: JsonCommand, exitCode: number, body: object): string {
  const head = envelope(command, exitCode);
  return `${JSON.stringify({ ...head, ...body, ok: head.ok, exitCode: head.exitCode }, null, 2)}\n`;
}
