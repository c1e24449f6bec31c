// The commander program: its name, version, the options every command takes,
// and the help that ends with examples and the exit codes. The commands
// themselves are registered in commands.ts.
import { Command, Option } from 'commander';
import { EXIT_MEANINGS } from '../core/exit-codes.js';
import { scReproVersion } from '../core/version.js';
import { BINDING_ENV, BINDING_NAMES } from '../pcsc/load-binding.js';
import { disableColor } from '../render/style.js';
import { registerCommands } from './commands.js';
import { completes } from './completion-spec.js';
import type { StartedRoles } from './early-roles.js';
import { parseChoice } from './options.js';
import { examples } from './shared-options.js';

const BINDING_CHOICES = ['auto', ...BINDING_NAMES] as const;

/** `argv`: the command line to be parsed, when only the command it names is needed (commands.ts). */
export function buildProgram(started?: StartedRoles, argv?: readonly string[]): Command {
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

  registerCommands(program, started, argv);
  return program;
}
