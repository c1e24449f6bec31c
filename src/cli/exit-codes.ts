// One exit-code contract for every command (documented in the README).
export const EXIT = {
  ok: 0,
  /** The PC/SC call returned an error (or, for repro, the stack deviates). */
  pcscError: 1,
  /** The environment prevents the attempt: no service, reader or card. */
  environment: 2,
  usage: 64,
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
