// Every command of the CLI, registered in the order help lists them. Each
// action imports its command module on demand, so that `--help` and
// `--version` never load the native PC/SC binding.
import { Argument, type Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { PROTOCOL_CHOICES, type ProtocolChoice, type ShareMode } from '../pcsc/constants.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import { EL_CAPITAN_SCARDCONNECT } from '../scenarios/known-bugs.js';
import type { Scenario } from '../scenarios/types.js';
import { VPCD_DEFAULT_HOST, VPCD_DEFAULT_PORT } from '../virtual-card/vpcd-card.js';
import { COMPLETION_SHELLS, type CompletionShell } from '../render/completion.js';
import { commandWord } from './argv.js';
import { completes, completionSpec } from './completion-spec.js';
import { parseChoice, parsePort } from './options.js';
import { runCommand } from './run-command.js';
import type { StartedRoles } from './early-roles.js';
import { registerCompare } from './compare-command.js';
import { registerMatrix, registerRepro } from './run-commands.js';
import { examples, json, MODES, mode, protocol, reader, SCENARIO_IDS, scenarioArgs, seconds, waitCard } from './shared-options.js';

/**
 * Each command's name and the function that registers it, in the order help lists them: a new command is one function
 * here (or in a file of its own beside this one) and one entry in this list. `help` and `completion` read every other
 * command.
 */
const COMMANDS: readonly { name: string; register: (program: Command, started?: StartedRoles) => void; readsOthers?: true }[] = [
  { name: 'repro', register: registerRepro },
  { name: 'matrix', register: registerMatrix },
  { name: 'compare', register: registerCompare },
  { name: 'scenarios', register: registerScenarios },
  { name: 'schema', register: registerSchema },
  { name: 'readers', register: registerReaders },
  { name: 'doctor', register: registerDoctor },
  { name: 'lock', register: registerLock },
  { name: 'connect', register: registerConnect },
  { name: 'virtual-card', register: registerVirtualCard },
  { name: 'completion', register: registerCompletion, readsOthers: true },
  { name: 'help', register: registerHelp, readsOthers: true },
];

/**
 * `started`: the roles the entry started for `repro` or `matrix`, for the command to take over. When the words of
 * `argv` name a command that does not read the others, only that command is registered: a parse then works as with all
 * of them, and building the other eleven would cost every start some 2 ms of CPU.
 */
export function registerCommands(program: Command, started?: StartedRoles, argv?: readonly string[]): void {
  const word = argv && commandWord(argv, program);
  const named = COMMANDS.find((entry) => entry.name === word && !entry.readsOthers);
  for (const { register } of named ? [named] : COMMANDS) register(program, started);
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

function registerScenarios(program: Command): void {
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
}

function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema (draft 2020-12) that every --json output validates against, errors included')
    .addHelpText('after', examples(['sc-repro schema > sc-repro.schema.json']))
    .action(async () => {
      const { schemaCommand } = await import('../commands/schema.js');
      await runCommand({ command: 'schema', json: false }, () => schemaCommand());
    });
}

function registerReaders(program: Command): void {
  program
    .command('readers')
    .description('list readers with card state and ATR (like pcsc_scan -r)')
    .addOption(json())
    .addHelpText('after', examples(['sc-repro readers', 'sc-repro readers --json']))
    .action(async (opts: { json?: boolean }) => {
      const { readersCommand } = await import('../commands/readers.js');
      await runCommand({ command: 'readers', json: !!opts.json }, () => readersCommand({ json: !!opts.json }));
    });
}

function registerDoctor(program: Command): void {
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
}

function registerLock(program: Command): void {
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
}

function registerConnect(program: Command): void {
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
}

function registerVirtualCard(program: Command): void {
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
}

function registerCompletion(program: Command): void {
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
}

function registerHelp(program: Command): void {
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
}
