// The one exit-code contract of every command. Verdicts and error kinds map to
// codes here and nowhere else; help text, reports and the README read this.

export const EXIT = {
  ok: 0,
  /** The PC/SC call returned an error; for repro and matrix, the stack deviates. */
  failed: 1,
  /** The environment prevents the attempt or the judgement: no service, reader or card; inconclusive. */
  environment: 2,
  usage: 64,
  sigint: 130,
  sigterm: 143,
  /** A closed terminal: interrupted, like Ctrl-C. */
  sighup: 129,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const VERDICTS = ['not-affected', 'bug-reproduced', 'unexpected', 'inconclusive', 'no-reference'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const VERDICT_EXIT: Record<Verdict, ExitCode> = {
  'not-affected': EXIT.ok,
  'bug-reproduced': EXIT.failed,
  unexpected: EXIT.failed,
  inconclusive: EXIT.environment,
  // Nothing to compare with on this platform: not a pass, and not a deviation either.
  'no-reference': EXIT.environment,
};

/** What made a command fail, independent of how it is shown. */
export type ErrorKind = 'usage' | 'environment' | 'pcsc' | 'sigint' | 'sigterm' | 'sighup' | 'output';

export const ERROR_EXIT: Record<ErrorKind, ExitCode> = {
  usage: EXIT.usage,
  environment: EXIT.environment,
  pcsc: EXIT.failed,
  sigint: EXIT.sigint,
  sigterm: EXIT.sigterm,
  sighup: EXIT.sighup,
  // The report could not be delivered (a full disk, an I/O error): the result is not in hand.
  output: EXIT.environment,
};

/**
 * A matrix passes only when every scenario is as expected; no-reference rows
 * are reported but neither pass nor fail it.
 */
export function matrixExit(verdicts: readonly Verdict[]): ExitCode {
  if (verdicts.some((verdict) => VERDICT_EXIT[verdict] === EXIT.failed)) return EXIT.failed;
  if (verdicts.includes('inconclusive')) return EXIT.environment;
  return EXIT.ok;
}

/** One row for the three signals that interrupt a command, in the order people meet them. */
const INTERRUPTED_CODES = `${EXIT.sigint}/${EXIT.sigterm}/${EXIT.sighup}` as const;

/** The contract as people read it: `--help`, the README and the matrix's last line. */
export const EXIT_MEANINGS: readonly {
  code: ExitCode | typeof INTERRUPTED_CODES;
  meaning: string;
  repro: string;
  matrix: string;
  compare: string;
}[] = [
  { code: EXIT.ok, meaning: 'ok', repro: 'not-affected', matrix: 'every scenario as expected', compare: 'every cell as expected' },
  {
    code: EXIT.failed,
    meaning: 'the PC/SC call returned an error',
    repro: 'bug-reproduced or unexpected',
    matrix: 'deviations found',
    compare: 'a cell deviates',
  },
  {
    code: EXIT.environment,
    meaning: 'no service, reader or card, or the report could not be written',
    repro: 'inconclusive or no-reference',
    matrix: 'some scenarios could not be judged',
    compare: 'nothing could be compared, or some cells were not judged',
  },
  { code: EXIT.usage, meaning: 'bad usage', repro: 'bad usage', matrix: 'bad usage', compare: 'bad usage, or a file that is not a report' },
  {
    code: INTERRUPTED_CODES,
    meaning: 'interrupted by SIGINT/SIGTERM/SIGHUP (a closed terminal)',
    repro: 'interrupted',
    matrix: 'interrupted',
    compare: 'interrupted',
  },
];

export function exitMeaning(code: ExitCode, command: 'repro' | 'matrix' | 'compare' | 'any' = 'any'): string {
  const entry = EXIT_MEANINGS.find((candidate) => String(candidate.code).split('/').includes(String(code)));
  if (!entry) return `exit ${code}`;
  return command === 'any' ? entry.meaning : entry[command];
}
