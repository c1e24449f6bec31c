// The CLI entry: commander wiring only. Each action imports its command module
// on demand so `--help` and `--version` never load the native PC/SC binding.
import { Argument, Command, CommanderError, Option } from 'commander';
import { reportFor, UsageError } from '../core/errors.js';
import { EXIT, EXIT_MEANINGS, VERDICTS, VERDICT_EXIT } from '../core/exit-codes.js';
import { scReproVersion } from '../core/version.js';
import { BLOCKED_RULE } from '../orchestrator/blocked-rule.js';
import { BINDING_ENV, BINDING_NAMES } from '../pcsc/binding.js';
import { isShareMode, PROTOCOL_CHOICES, SHARE_MODES, type ProtocolChoice, type ShareMode } from '../pcsc/constants.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import { DEFAULT_SCENARIO, SCENARIOS } from '../scenarios/catalog.js';
import { EL_CAPITAN_SCARDCONNECT } from '../scenarios/known-bugs.js';
import type { Scenario } from '../scenarios/types.js';
import { VPCD_DEFAULT_HOST, VPCD_DEFAULT_PORT } from '../virtual-card/vpcd-card.js';
import { COMPLETION_SHELLS, type CompletionShell } from '../render/completion.js';
import { oneLine, renderErrorLines } from '../render/errors.js';
import { JSON_COMMANDS, renderJson, type JsonCommand } from '../render/json.js';
import { disableColor } from '../render/style.js';
import {
  parseChoice,
  parseCount,
  parseEnvAssignment,
  parseId,
  parseOutputPaths,
  parsePort,
  parseReaderSelector,
  parseSeconds,
  parseSecondsAtLeast,
} from './options.js';
import { completes, completionSpec } from './completion-spec.js';
import { withHelpPointer } from './help-pointer.js';
import { guardOutput, runCommand } from './run-command.js';
import type { OutputTarget } from '../commands/report-output.js';

const BINDING_CHOICES = ['auto', ...BINDING_NAMES] as const;
const MODES = Object.keys(SHARE_MODES).filter(isShareMode);
const SCENARIO_IDS = SCENARIOS.map(({ id }) => id);

/** commander calls parsers while parsing; a UsageError here still ends as exit 64. */
const seconds = (flag: string) => (value: string) => parseSeconds(flag, value);
const mode = (value: string) => parseChoice('--mode', value, MODES);
const protocol = (value: string) => parseChoice('--protocol', value, PROTOCOL_CHOICES);
const reader = () =>
  new Option('-r, --reader <index|name>', 'reader index, or part of its name (case-insensitive)').argParser(parseReaderSelector);
const scenario =
  (flag: string) =>
  (value: string): Scenario =>
    parseId(flag, value, SCENARIOS, 'sc-repro scenarios');
/** --only a,b or --only a --only b. */
const scenarioList = (value: string, previous: Scenario[] | undefined): Scenario[] => {
  const ids = value.split(',').filter((id) => id.trim());
  if (ids.length === 0) throw new UsageError(`--only needs at least one scenario id, got '${value}'`);
  return [...(previous ?? []), ...ids.map(scenario('--only'))];
};
const scenarioArgs = (value: string, previous: Scenario[] | undefined): Scenario[] => [...(previous ?? []), scenario('scenarios')(value)];
const json = () => new Option('--json', 'print one JSON object on stdout');
const waitCard = () =>
  new Option('--wait-card <seconds>', 'with no card in the reader, wait this long for one (default: fail at once)').argParser(
    seconds('--wait-card'),
  );

interface RunOpts {
  reader?: ReaderSelector;
  virtual?: boolean;
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

function runSettings(opts: RunOpts, command: Command) {
  const format = opts.json ? 'json' : opts.markdown ? 'markdown' : 'text';
  return {
    format,
    settings: {
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

/** What lock.py and connect.py were, for someone who never saw them. */
const ORIGINAL_SCRIPTS = `
lock.py and connect.py are the two pyscard scripts that first reproduced the ${EL_CAPITAN_SCARDCONNECT.affects} bug,
run by hand in two terminals: lock.py connects to the first reader with SCARD_SHARE_EXCLUSIVE and sleeps 10 s;
connect.py, started meanwhile, makes a shared connect. El Capitan answered it with SCARD_E_PROTO_MISMATCH instead of
SCARD_E_SHARING_VIOLATION (${EL_CAPITAN_SCARDCONNECT.vendor} bug ${EL_CAPITAN_SCARDCONNECT.vendorBug}, fixed in ${EL_CAPITAN_SCARDCONNECT.fixedIn}).
\`sc-repro lock\` and \`sc-repro connect\` are those two scripts; \`sc-repro repro\` runs both and checks that the hold was real.
  The write-up: ${EL_CAPITAN_SCARDCONNECT.reference}
  More: docs/el-capitan-bug.md, shipped with sc-repro
`;

const examples = (lines: string[]) => `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;

export function buildProgram(): Command {
  const program = new Command('sc-repro')
    .description('Reproduce PC/SC smart-card middleware bugs and produce output for bug reports.')
    .version(scReproVersion(), '-V, --version')
    .showSuggestionAfterError()
    // Each command's help lists --binding, --no-color and the other options that work with every command.
    .configureHelp({ showGlobalOptions: true })
    // main() says it, with the command whose help explains the usage, which this callback is not told.
    .configureOutput({ outputError: () => {} })
    .exitOverride()
    .addOption(
      completes(
        new Option(
          '--binding <name>',
          `how sc-repro reaches PC/SC: pcsclite (the npm addon), ffi (the system library through koffi), or auto`,
        )
          .argParser((value) => parseChoice('--binding', value, BINDING_CHOICES))
          .env(BINDING_ENV.name),
        BINDING_CHOICES,
      ),
    )
    .addOption(
      new Option(
        '--pcsc-library <path>',
        'another PC/SC client library, loaded through ffi (a fresh libpcsclite build, an interposer)',
      ).env(BINDING_ENV.library),
    )
    .addOption(new Option('--no-color', 'no colour, whatever the terminal (NO_COLOR=1 does the same)'))
    // Role processes inherit the environment: they use the same binding unless --holder-env/--contender-env say otherwise.
    .hook('preAction', (command) => {
      const { binding, pcscLibrary, color } = command.opts<{ binding?: string; pcscLibrary?: string; color: boolean }>();
      if (binding) process.env[BINDING_ENV.name] = binding;
      if (pcscLibrary) process.env[BINDING_ENV.library] = pcscLibrary;
      if (!color) disableColor();
    })
    .addHelpText(
      'after',
      `${examples([
        'sc-repro repro --virtual # the whole reproduction, on the built-in virtual card',
        'sc-repro repro --markdown --output report.md',
        'sc-repro matrix --virtual  # every scenario of the catalog, one table',
        'sc-repro repro --virtual --trace   # every PC/SC call of both processes and the observer, on one timeline',
        'sc-repro scenarios',
        'sc-repro schema          # the JSON Schema of every --json output',
        'sc-repro readers',
        'sc-repro doctor          # can repro run here? the binding, the service, readers and cards, what to do next',
        'sc-repro lock            # terminal 1: hold reader 0 exclusively for 10 s',
        'sc-repro connect         # terminal 2: shared connect, expect SCARD_E_SHARING_VIOLATION',
        'sc-repro virtual-card    # insert the built-in virtual card into the vpcd reader',
        'sc-repro --binding ffi repro --virtual   # the same through the system library, no native addon',
      ])}\nExit codes:\n${EXIT_MEANINGS.map(({ code, meaning, repro }) => `  ${String(code).padEnd(11)} ${meaning}${repro === meaning ? '' : ` (repro: ${repro})`}`).join('\n')}\n`,
    );

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
      const { format, settings } = runSettings(opts, command);
      await runCommand({ command: 'repro', json: format === 'json' }, () =>
        reproCommand({ ...settings, scenario: opts.scenario, fullHold: !!opts.fullHold }),
      );
    });

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
      const { format, settings } = runSettings(opts, command);
      await runCommand({ command: 'matrix', json: format === 'json' }, () =>
        matrixCommand({ ...settings, scenarios: opts.only ?? [...SCENARIOS] }),
      );
    });

  program
    .command('scenarios')
    .description('list the scenario catalog: what each checks, what this platform should answer, the bugs it catches')
    .addArgument(
      completes(
        new Argument('[ids...]', "scenarios to show in full: the PC/SC calls of each role, and every platform's expectation"),
        SCENARIO_IDS,
      ).argParser(scenarioArgs),
    )
    .addOption(json())
    .addHelpText('after', examples(['sc-repro scenarios', 'sc-repro scenarios transmit-after-card-removed', 'sc-repro scenarios --json']))
    .action(async (chosen: Scenario[] | undefined, opts: { json?: boolean }) => {
      const { scenariosCommand } = await import('../commands/scenarios.js');
      await runCommand({ command: 'scenarios', json: !!opts.json }, async () =>
        scenariosCommand({ json: !!opts.json, scenarios: chosen?.length ? chosen : null }),
      );
    });

  program
    .command('schema')
    .description('print the JSON Schema (draft 2020-12) that every --json output validates against, errors included')
    .addHelpText('after', examples(['sc-repro schema > sc-repro.schema.json']))
    .action(async () => {
      const { schemaCommand } = await import('../commands/schema.js');
      await runCommand({ command: 'schema', json: false }, () => schemaCommand());
    });

  program
    .command('readers')
    .description('list readers with card state and ATR (like pcsc_scan -r)')
    .addOption(json())
    .addHelpText('after', examples(['sc-repro readers', 'sc-repro readers --json']))
    .action(async (opts: { json?: boolean }) => {
      const { readersCommand } = await import('../commands/readers.js');
      await runCommand({ command: 'readers', json: !!opts.json }, () => readersCommand({ json: !!opts.json }));
    });

  program
    .command('doctor')
    .description(
      'check that repro can run here: the binding and why, the PC/SC service, readers and cards, the vpcd driver, what to do next',
    )
    .addOption(json())
    .addHelpText(
      'after',
      examples(['sc-repro doctor', 'sc-repro doctor --json', 'sc-repro --binding ffi doctor   # what the system library binding finds']) +
        '\nExit 0 when repro can run now (the service answers, and a reader has a card, or the vpcd reader is free for --virtual); 2 otherwise.\n',
    )
    .action(async (opts: { json?: boolean }) => {
      const { doctorCommand } = await import('../commands/doctor.js');
      await runCommand({ command: 'doctor', json: !!opts.json }, () => doctorCommand({ json: !!opts.json }));
    });

  program
    .command('lock')
    .description('connect (exclusive by default) and hold the card, as lock.py did in the original two-terminal reproduction')
    .addOption(reader())
    .addOption(completes(new Option('-m, --mode <mode>', `share mode: ${MODES.join('|')}`).argParser(mode), MODES).default('exclusive'))
    .addOption(new Option('--hold <seconds>', 'how long to hold the reader').argParser(seconds('--hold')).default(10))
    .addOption(waitCard())
    .addOption(json())
    .addHelpText(
      'after',
      examples([
        'sc-repro lock',
        'sc-repro lock --reader "Virtual PCD 00 00" --hold 30',
        'sc-repro lock --wait-card 60   # insert the card within a minute',
        'sc-repro lock --mode shared --json',
      ]) +
        '\nCtrl-C (SIGTERM, or a closed terminal: SIGHUP) releases the card at once with SCARD_LEAVE_CARD and exits 130 (143, 129).\n' +
        ORIGINAL_SCRIPTS,
    )
    .action(async (opts: { reader?: ReaderSelector; mode: ShareMode; hold: number; waitCard?: number; json?: boolean }) => {
      const { lockCommand } = await import('../commands/lock.js');
      await runCommand({ command: 'lock', json: !!opts.json }, () =>
        lockCommand({ reader: opts.reader, mode: opts.mode, holdSeconds: opts.hold, waitCardSeconds: opts.waitCard, json: !!opts.json }),
      );
    });

  program
    .command('connect')
    .description('try one connect (shared by default) and report the answer, as connect.py did in the original two-terminal reproduction')
    .addOption(reader())
    .addOption(completes(new Option('-m, --mode <mode>', `share mode: ${MODES.join('|')}`).argParser(mode), MODES).default('shared'))
    .addOption(
      completes(
        new Option('-p, --protocol <protocol>', `preferred protocols: ${PROTOCOL_CHOICES.join('|')}`).argParser(protocol),
        PROTOCOL_CHOICES,
      ).default('any'),
    )
    .addOption(waitCard())
    .addOption(json())
    .addHelpText(
      'after',
      examples(['sc-repro connect', 'sc-repro connect --reader 1 --mode exclusive', 'sc-repro connect --json']) + ORIGINAL_SCRIPTS,
    )
    .action(async (opts: { reader?: ReaderSelector; mode: ShareMode; protocol: ProtocolChoice; waitCard?: number; json?: boolean }) => {
      const { connectCommand } = await import('../commands/connect.js');
      await runCommand({ command: 'connect', json: !!opts.json }, () =>
        connectCommand({
          reader: opts.reader,
          mode: opts.mode,
          protocol: opts.protocol,
          waitCardSeconds: opts.waitCard,
          json: !!opts.json,
        }),
      );
    });

  program
    .command('virtual-card')
    .description('insert the built-in virtual card into the vsmartcard vpcd reader until Ctrl-C')
    .addOption(
      new Option('--port <port>', 'vpcd port (35963 is "Virtual PCD 00 00")')
        .argParser((value) => parsePort('--port', value))
        .default(VPCD_DEFAULT_PORT),
    )
    .addOption(new Option('--host <host>', 'vpcd host').default(VPCD_DEFAULT_HOST))
    .addHelpText('after', examples(['sc-repro virtual-card', 'sc-repro virtual-card --port 35964   # "Virtual PCD 00 01"']))
    .action(async (opts: { port: number; host: string }) => {
      const { virtualCardCommand } = await import('../commands/virtual-card.js');
      await runCommand({ command: 'virtual-card', json: false }, () => virtualCardCommand(opts));
    });

  program
    .command('completion')
    .description("print a script that makes your shell complete sc-repro's commands, options, scenario ids and share modes")
    .addArgument(
      completes(
        new Argument('<shell>', COMPLETION_SHELLS.join('|')).argParser((value) => parseChoice('the shell', value, COMPLETION_SHELLS)),
        COMPLETION_SHELLS,
      ),
    )
    .addHelpText(
      'after',
      examples([
        'source <(sc-repro completion bash)     # bash, now; for every shell: > ~/.local/share/bash-completion/completions/sc-repro',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh's own ${fpath[1]}, shown to the user as written
        'source <(sc-repro completion zsh)      # zsh, now; for every shell: > "${fpath[1]}/_sc-repro"',
        'sc-repro completion fish | source      # fish, now; for every shell: > ~/.config/fish/completions/sc-repro.fish',
        'sc-repro completion powershell | Out-String | Invoke-Expression   # PowerShell; for every session: >> $PROFILE',
      ]),
    )
    .action(async (shell: CompletionShell) => {
      const { completionCommand } = await import('../commands/completion.js');
      // Nothing here can fail but the write, which guardOutput answers for; no --json, so no place in the JSON envelope's commands.
      process.exitCode = completionCommand({ shell, spec: completionSpec(program) });
    });

  // In place of commander's own, which shows the program's help for a command that does not exist.
  program
    .command('help')
    .description('display help for command')
    .helpOption(false)
    .addArgument(completes(new Argument('[command]', 'the command to explain'), 'commands'))
    .action((name: string | undefined) => {
      if (name === undefined) return program.help();
      const command = program.commands.find((candidate) => candidate.name() === name);
      if (!command || command.name() === 'help') throw new UsageError(`help: no command '${name}'`);
      command.help();
    });

  return program;
}

/**
 * The command whose --json output a usage error should take, when the command
 * line asks for one. Read from the words themselves, because a bad option can
 * stop commander before it has seen --json (or the command).
 */
export function jsonRequestedBy(argv: readonly string[], program: Command): JsonCommand | null {
  const { command, after } = commandNamedBy(argv, program);
  const name = command?.options.some((option) => option.long === '--json')
    ? JSON_COMMANDS.find((json) => json === command.name())
    : undefined;
  return name && after.includes('--json') ? name : null;
}

/** The command the words name, and the words after it up to `--`; read from the words for the same reason. */
export function commandNamedBy(argv: readonly string[], program: Command): { command: Command | undefined; after: string[] } {
  const words = argv.slice(2);
  const end = words.indexOf('--');
  const options = end === -1 ? words : words.slice(0, end);
  // A global option that takes a value (--binding ffi): its value is not the command's name.
  const takesValue = new Set(program.options.filter((option) => option.required || option.optional).map((option) => option.long));
  const at = options.findIndex((word, index) => !word.startsWith('-') && !takesValue.has(options[index - 1]));
  const command = at === -1 ? undefined : program.commands.find((candidate) => candidate.name() === options[at]);
  return { command, after: at === -1 ? [] : options.slice(at + 1) };
}

export async function main(argv: string[] = process.argv): Promise<void> {
  guardOutput();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Help and version exit 0; every other parse error is one line, said here.
    if (error instanceof CommanderError && error.exitCode === 0) {
      process.exitCode = EXIT.ok;
      return;
    }
    if (!(error instanceof CommanderError) && !(error instanceof UsageError)) throw error;
    // No command at all: commander has shown the program's help on stderr, which says it all.
    if (error instanceof CommanderError && error.code === 'commander.help') {
      process.exitCode = EXIT.usage;
      return;
    }
    const named = commandNamedBy(argv, program).command?.name();
    const found = error instanceof UsageError ? reportFor(error) : { message: oneLine(error.message.replace(/^error: /, '')) };
    const report = { ...found, message: withHelpPointer(found.message, named === 'help' ? null : named) };
    process.stderr.write(`${renderErrorLines(report).join('\n')}\n`);
    const jsonCommand = jsonRequestedBy(argv, program);
    if (jsonCommand) process.stdout.write(renderJson(jsonCommand, EXIT.usage, report));
    process.exitCode = EXIT.usage;
  }
}
