// The error shape every layer throws and every output shows: a one-line
// message, what to do about it, and the kind that decides the exit code.
import { ERROR_EXIT, type ErrorKind, type ExitCode } from './exit-codes.js';

/** A PC/SC return code as reports carry it. */
export interface CodeJson {
  code: number;
  hex: string;
  name: string | null;
  message: string;
  call: string | null;
}

/** What a failure looks like on stderr, in --json output, and between processes. */
export interface ErrorReport {
  message: string;
  hint?: string;
  error?: CodeJson;
}

export class ScReproError extends Error {
  override name = 'ScReproError';
  constructor(
    message: string,
    readonly kind: ErrorKind,
    readonly hint?: string,
  ) {
    super(message);
  }

  get exitCode(): ExitCode {
    return ERROR_EXIT[this.kind];
  }

  toReport(): ErrorReport {
    return { message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** Bad input: a one-line message and exit 64. */
export class UsageError extends ScReproError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, 'usage');
  }
}

/** The environment prevents the attempt (exit 2): no reader, no card, a selector that matches nothing. */
export class EnvironmentError extends ScReproError {
  override name = 'EnvironmentError';
  constructor(message: string, hint?: string) {
    super(message, 'environment', hint);
  }
}

/** SIGINT/SIGTERM/SIGHUP arrived before the command could finish: exit 130/143/129. */
export class InterruptedError extends ScReproError {
  override name = 'InterruptedError';
  constructor(message: string, signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') {
    super(message, signal === 'SIGINT' ? 'sigint' : signal === 'SIGTERM' ? 'sigterm' : 'sighup');
  }
}

export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof ScReproError ? error.exitCode : ERROR_EXIT.pcsc;
}

export function reportFor(error: unknown): ErrorReport {
  if (error instanceof ScReproError) return error.toReport();
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}
