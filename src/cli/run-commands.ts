// `repro` and `matrix`: the two commands that run scenarios on two role
// processes, and the options they share (how runs are made and reported).
import { type Command, Option } from 'commander';
import { EXIT, EXIT_MEANINGS, VERDICT_EXIT, VERDICTS } from '../core/exit-codes.js';
import { BLOCKED_RULE } from '../orchestrator/blocked-rule.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import { DEFAULT_SCENARIO, SCENARIOS } from '../scenarios/catalog.js';
import type { Scenario } from '../scenarios/types.js';
import type { OutputTarget } from '../commands/report-output.js';
import type { RolePair } from '../orchestrator/warm-roles.js';
import type { StartedRoles } from './early-roles.js';
import { completes } from './completion-spec.js';
import { VPCD_PORT_ENV } from '../virtual-card/vpcd-card.js';
import { parseCount, parseEnvAssignment, parseOutputPaths, parsePort, parseSecondsAtLeast } from './options.js';
import { runCommand } from './run-command.js';
import { examples, reader, SCENARIO_IDS, scenario, scenarioList, seconds, waitCard } from './shared-options.js';

interface RunOpts {
  reader?: ReaderSelector;
  virtual?: boolean;
  vpcdPort?: number;
  hold: number;
  timeout: number;
  blockedAfter: number;
  repeat: number;
  holderEnv: Record<string, string>;
  contenderEnv: Record<string, string>;
  waitCard?: number;
  trace?: boolean;
  json?: boolean;
  markdown?: boolean;
  output?: OutputTarget[];
}

const roleEnv = (role: 'holder' | 'contender') =>
  new Option(`--${role}-env <KEY=VALUE>`, `environment for the ${role} process only (repeatable), e.g. LD_PRELOAD=./interposer.so`)
    .argParser((value: string, previous: Record<string, string>) => parseEnvAssignment(`--${role}-env`, value, previous))
    .default({}, 'none');

/** The options `repro` and `matrix` share: how runs are made and reported. */
function addRunOptions(command: Command): Command {
  return command
    .addOption(reader())
    .addOption(waitCard())
    .addOption(
      new Option('--virtual', 'insert the built-in virtual card into the vpcd reader for the run and use that reader').conflicts('reader'),
    )
    .addOption(
      new Option(
        '--vpcd-port <port>',
        'implies --virtual: the vpcd port of the reader to use, e.g. that of a private pcscd (default: 35963)',
      )
        .argParser((value) => parsePort('--vpcd-port', value))
        .implies({ virtual: true })
        .conflicts('reader'),
    )
    .addOption(new Option('--hold <seconds>', 'longest time the holder keeps the reader').argParser(seconds('--hold')).default(10))
    .addOption(new Option('--timeout <seconds>', 'bound on every step of a run').argParser(seconds('--timeout')).default(5))
    .addOption(
      new Option(
        '--blocked-after <seconds>',
        `a call that has not returned after this long is suspected blocked; it is blocked if it then stays unreturned ${BLOCKED_RULE.confirmFactor}x as long again and returns within ${BLOCKED_RULE.releasePromptMs} ms of the holder letting go`,
      )
        .argParser((value) => parseSecondsAtLeast('--blocked-after', value, BLOCKED_RULE.minBlockedAfterSeconds))
        .default(1),
    )
    .addOption(
      new Option('-n, --repeat <count>', 'run each scenario this many times (for intermittent bugs)')
        .argParser((v) => parseCount('--repeat', v))
        .default(1),
    )
    .addOption(roleEnv('contender'))
    .addOption(roleEnv('holder'))
    .addOption(
      new Option(
        '--trace',
        'record every PC/SC call of the holder, the contender and the observer, and add them to the report on one timeline',
      ),
    )
    .addOption(new Option('--json', 'print the report as one JSON object (see `sc-repro schema`)').conflicts('markdown'))
    .addOption(new Option('--markdown', 'print the report as markdown, ready to paste into a bug report'))
    .addOption(
      new Option(
        '-o, --output <file>',
        'also write the report to a file (repeatable, one run): a .json, .md or .txt file in that format, any other in the chosen one',
      ).argParser(parseOutputPaths),
    );
}

/** The roles the entry started before the CLI loaded (early-roles.ts), each taken over if its environment is the run's. */
async function takeOver(started: StartedRoles | undefined, opts: RunOpts): Promise<RolePair | undefined> {
  if (!started) return undefined;
  const [{ WarmRoles }, { RoleProcess }] = await Promise.all([
    import('../orchestrator/warm-roles.js'),
    import('../orchestrator/role-process.js'),
  ]);
  const env = { holder: opts.holderEnv, contender: opts.contenderEnv };
  return new WarmRoles(env, opts.timeout * 1000, (role, roleEnv) => new RoleProcess(role, roleEnv, started.take(role, roleEnv)));
}

async function runSettings(opts: RunOpts, command: Command, started: StartedRoles | undefined) {
  const format = opts.json ? 'json' : opts.markdown ? 'markdown' : 'text';
  // The port travels as the variable the built-in card reads (SC_REPRO_VPCD_PORT), as --binding's does.
  if (opts.vpcdPort !== undefined) process.env[VPCD_PORT_ENV] = String(opts.vpcdPort);
  return {
    format,
    settings: {
      roles: await takeOver(started, opts),
      reader: opts.reader,
      holdSeconds: opts.hold,
      timeoutSeconds: opts.timeout,
      blockedAfterSeconds: opts.blockedAfter,
      repeat: opts.repeat,
      holderEnv: opts.holderEnv,
      contenderEnv: opts.contenderEnv,
      waitCardSeconds: opts.waitCard,
      trace: !!opts.trace,
      virtual: !!opts.virtual,
      format,
      outputs: opts.output ?? [],
      argv: command.parent ? process.argv.slice(2) : [],
    },
  } as const;
}

export function registerRepro(program: Command, started?: StartedRoles): void {
  addRunOptions(
    program
      .command('repro')
      .description('run the holder and the contender as two processes and give a verdict for a bug report')
      .addOption(
        completes(new Option('-s, --scenario <id>', 'scenario to run (see `sc-repro scenarios`)'), SCENARIO_IDS)
          .argParser(scenario('--scenario'))
          .default(DEFAULT_SCENARIO, DEFAULT_SCENARIO.id),
      )
      .addOption(new Option('--full-hold', 'keep holding for all of --hold instead of releasing once the answer is in')),
  )
    .addHelpText(
      'after',
      `${examples([
        'sc-repro repro --virtual',
        'sc-repro repro --reader "Gemalto" --markdown --output report.md',
        'sc-repro repro --scenario yosemite-shared-connect --repeat 20',
        'sc-repro repro --wait-card 30   # start now, insert the card within 30 s',
        'sc-repro repro --json --contender-env LD_PRELOAD=/path/to/interposer.so',
      ])}\nVerdicts (exit code): ${VERDICTS.map((verdict) => `${verdict} (${VERDICT_EXIT[verdict]})`).join(', ')}.\n`,
    )
    .action(async (opts: RunOpts & { scenario: Scenario; fullHold?: boolean }, command: Command) => {
      const { reproCommand } = await import('../commands/repro.js');
      const { format, settings } = await runSettings(opts, command, started);
      await runCommand({ command: 'repro', json: format === 'json' }, () =>
        reproCommand({ ...settings, scenario: opts.scenario, fullHold: !!opts.fullHold }),
      );
    });
}

export function registerMatrix(program: Command, started?: StartedRoles): void {
  addRunOptions(
    program
      .command('matrix')
      .description('run every scenario of the catalog (or --only some) and print one table')
      .addOption(completes(new Option('--only <ids>', 'comma-separated scenario ids (repeatable)'), SCENARIO_IDS).argParser(scenarioList)),
  )
    .addHelpText(
      'after',
      examples([
        'sc-repro matrix --virtual',
        'sc-repro matrix --only el-capitan-scardconnect,yosemite-shared-connect --repeat 10',
        'sc-repro matrix --markdown --output matrix.md',
      ]) +
        `\nExit codes: ${EXIT_MEANINGS.filter(({ code }) => code === EXIT.ok || code === EXIT.failed || code === EXIT.environment)
          .map(({ code, matrix }) => `${code} ${matrix}`)
          .join(', ')}.\n`,
    )
    .action(async (opts: RunOpts & { only?: Scenario[] }, command: Command) => {
      const { matrixCommand } = await import('../commands/matrix.js');
      const { format, settings } = await runSettings(opts, command, started);
      await runCommand({ command: 'matrix', json: format === 'json' }, () =>
        matrixCommand({ ...settings, scenarios: opts.only ?? [...SCENARIOS] }),
      );
    });
}
