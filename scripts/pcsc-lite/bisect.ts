// One scenario against one commit of pcsc-lite, for `git bisect run`: builds the
// commit checked out (build.sh, cached), starts it as a private pcscd with the
// vpcd driver on its own socket and vpcd port, runs
// `sc-repro matrix --virtual --json --only <scenario>` through that build's
// client library, and exits by the answer.
//
//   cd <pcsc-lite checkout>
//   git bisect start <newer tag> <older tag>
//   git bisect run <sc-repro clone>/node_modules/.bin/tsx <sc-repro clone>/scripts/pcsc-lite/bisect.ts <scenario> --old <answer>
//
// Exit codes, as `git bisect run` reads them:
//   0    "good" (bisect's old): the scenario answered <answer>, the older release's answer (with --old);
//        without --old: the verdict is as the catalog expects (not-affected)
//   1    "bad" (bisect's new): a judged, different answer
//   125  skip: the commit does not build, its pcscd does not start, or the run was not judged
//        (inconclusive, or runs that disagree)
//   128  stop the bisect: bad usage, a tool or sc-repro's build missing, an unknown scenario
//
// So with --old, `git bisect run` ends on the first commit whose answer is new.
// Options: --old <answer> (as `observed` reads in matrix --json: SCARD_S_SUCCESS,
// SCARD_E_NOT_TRANSACTED, blocked…), --checkout <dir> (default: the current
// folder), --runs <n> (default 1: every run must agree), --vpcd-port <port>
// (default 36200), --sc-repro <bin/sc-repro.cjs>, --install-deps, and
// --accept-inconclusive (with --old): take the answer of a run that was not judged
// when it has one. pcsc-lite before 1.6.7 leaves the reader marked INUSE after some
// transactions, which no handle explains, so sc-repro calls those runs inconclusive
// though the call did answer; the answer is still the same on every run.
// --old-verdict <verdict> (instead of --old): exit 0 while the verdict is that one,
// inconclusive included, for a change in what a third party sees rather than in the
// answer; each step prints the reason, to check that it stayed the same one.
// Needs what build.sh needs, and vsmartcard-vpcd's driver. Linux only.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildRelease, DEFAULT_VPCD_PORT, EXIT_SKIP, resolveCli, runMatrix, startPrivateDaemon } from './private-daemon.js';

const EXIT = { old: 0, new: 1, skip: EXIT_SKIP, abort: 128 } as const;
const usage =
  'usage: npx tsx scripts/pcsc-lite/bisect.ts <scenario id> [--old ANSWER [--accept-inconclusive] | --old-verdict VERDICT] [--checkout DIR] [--runs N] [--vpcd-port PORT] [--sc-repro PATH] [--install-deps]';

function end(code: number, message: string): never {
  process.stderr.write(`bisect: ${message}\n`);
  process.exit(code);
}

let values: {
  old?: string;
  'old-verdict'?: string;
  checkout?: string;
  runs: string;
  'vpcd-port': string;
  'sc-repro'?: string;
  'install-deps': boolean;
  'accept-inconclusive': boolean;
};
let positionals: string[];
try {
  ({ values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      old: { type: 'string' },
      'old-verdict': { type: 'string' },
      checkout: { type: 'string' },
      runs: { type: 'string', default: '1' },
      'vpcd-port': { type: 'string', default: String(DEFAULT_VPCD_PORT) },
      'sc-repro': { type: 'string' },
      'install-deps': { type: 'boolean', default: false },
      'accept-inconclusive': { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  end(EXIT.abort, `${(error as Error).message}\n${usage}`);
}
const [scenario, ...rest] = positionals;
if (!scenario || rest.length) end(EXIT.abort, `one scenario id is needed\n${usage}`);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 10) end(EXIT.abort, `--runs expects 1 to 10, got '${values.runs}'`);
const port = Number(values['vpcd-port']);
if (!Number.isInteger(port) || port < 1024 || port > 65_534 || [35962, 35963, 35964].includes(port)) {
  end(EXIT.abort, `--vpcd-port expects a port from 1024 to 65534 clear of the system vpcd's 35963 and 35964, got '${values['vpcd-port']}'`);
}
let cli: string;
try {
  cli = resolveCli(values['sc-repro']);
} catch (error) {
  end(EXIT.abort, (error as Error).message);
}
const checkout = values.checkout ?? process.cwd();
const head = spawnSync('git', ['-C', checkout, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' });
if (head.status !== 0) end(EXIT.abort, `${checkout} is not a git checkout`);
const rev = head.stdout.trim();

const built = buildRelease(checkout, 'HEAD', values['install-deps']);
if (!built.ok) end(built.skip ? EXIT.skip : EXIT.abort, `${rev}: ${built.reason}`);
const { build } = built;

const oldVerdict = values['old-verdict'];
if (oldVerdict !== undefined && values.old !== undefined) end(EXIT.abort, '--old and --old-verdict exclude each other');
const answers: string[] = [];
for (let run = 1; run <= runs; run++) {
  let daemon: Awaited<ReturnType<typeof startPrivateDaemon>>;
  try {
    daemon = await startPrivateDaemon(build, port);
  } catch (error) {
    end(EXIT.skip, `${rev} (${build.version}): ${(error as Error).message.split('\n')[0]}`);
  }
  let result: Awaited<ReturnType<typeof runMatrix>>;
  try {
    result = await runMatrix(cli, build, daemon, port, ['--only', scenario]);
  } finally {
    await daemon.stop();
  }
  const row = result.report?.rows.find((candidate) => candidate.scenario.id === scenario);
  if (!row) {
    // sc-repro's usage errors (an unknown scenario among them) end in 64: a bisect cannot go on from there.
    const why = result.stderr.trim().split('\n')[0] ?? '';
    end(result.exitCode === 64 ? EXIT.abort : EXIT.skip, `${rev}: no row for ${scenario} (sc-repro exit ${result.exitCode}): ${why}`);
  }
  const answer = row.observed ?? 'no answer';
  process.stderr.write(`bisect: ${rev} (${build.version}) run ${run}: ${scenario} answered ${answer}, ${row.verdict}: ${row.reason}\n`);
  if (oldVerdict !== undefined) {
    answers.push(row.verdict);
    continue;
  }
  const unjudged = row.verdict === 'inconclusive' || row.verdict === 'no-reference';
  if (unjudged && !(values['accept-inconclusive'] && values.old !== undefined && row.observed !== null)) {
    end(EXIT.skip, `${rev}: not judged (${row.verdict}: ${row.reason})`);
  }
  answers.push(values.old === undefined ? row.verdict : answer);
}

if (new Set(answers).size > 1) end(EXIT.skip, `${rev}: the runs disagree (${answers.join(', ')})`);
const outcome = answers[0];
if (oldVerdict !== undefined) {
  end(
    outcome === oldVerdict ? EXIT.old : EXIT.new,
    `${rev}: ${outcome === oldVerdict ? `good: still ${oldVerdict}` : `bad: ${outcome}, not ${oldVerdict}`}`,
  );
}
if (values.old === undefined) {
  end(outcome === 'not-affected' ? EXIT.old : EXIT.new, `${rev}: ${outcome === 'not-affected' ? 'good: as expected' : `bad: ${outcome}`}`);
}
end(
  outcome === values.old ? EXIT.old : EXIT.new,
  `${rev}: ${outcome === values.old ? `good: still ${values.old}` : `bad: ${outcome}, not ${values.old}`}`,
);
