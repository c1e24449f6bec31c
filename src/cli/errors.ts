import { PcscError } from '../pcsc/pcsc-error.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { hintFor } from '../platform/hints.js';

/** Bad input: a one-line message and exit 64. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The environment prevents the attempt (exit 2): no reader, no card, a selector that matches nothing. */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** SIGINT/SIGTERM arrived before the command could finish: exit 130/143. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/**
 * Return codes that say the attempt could not be made at all, rather than
 * that the call under test answered: they map to exit 2, not 1.
 */
const ENVIRONMENT_CODES = new Set([
  0x8010001d, // SCARD_E_NO_SERVICE
  0x8010001e, // SCARD_E_SERVICE_STOPPED
  0x80100013, // SCARD_F_COMM_ERROR: the connection to the service broke
  0x8010002e, // SCARD_E_NO_READERS_AVAILABLE
  0x8010000c, // SCARD_E_NO_SMARTCARD
  0x80100009, // SCARD_E_UNKNOWN_READER
  0x80100017, // SCARD_E_READER_UNAVAILABLE
  0x80100069, // SCARD_W_REMOVED_CARD
]);

export function isEnvironmentCode(code: number): boolean {
  return ENVIRONMENT_CODES.has(code);
}

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof EnvironmentError) return EXIT.environment;
  if (error instanceof InterruptedError) return error.exitCode;
  if (error instanceof PcscError) return isEnvironmentCode(error.code) ? EXIT.environment : EXIT.pcscError;
  return EXIT.pcscError;
}

export interface ErrorReport {
  message: string;
  hint?: string;
  error?: ReturnType<PcscError['toJSON']>;
}

export function reportFor(error: unknown): ErrorReport {
  if (error instanceof PcscError) {
    const hint = hintFor(error.code);
    return { message: error.message, error: error.toJSON(), ...(hint ? { hint } : {}) };
  }
  if (error instanceof EnvironmentError) return { message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}
