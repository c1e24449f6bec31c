// `sc-repro compare`: reports in, one table out. The command module loads on demand, like every other.
import { Argument, type Command, Option } from 'commander';
import { EXIT, EXIT_MEANINGS } from '../core/exit-codes.js';
import { completes } from './completion-spec.js';
import { runCommand } from './run-command.js';
import { examples } from './shared-options.js';

interface CompareOpts {
  differences?: boolean;
  json?: boolean;
  markdown?: boolean;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare matrix and repro --json reports: a row per scenario, a column per stack (OS, PC/SC service, binding)')
    .addArgument(
      completes(new Argument('<reports...>', 'report files (--json output of matrix or repro), or folders of them (*.json)'), 'files'),
    )
    .addOption(new Option('--differences', 'only the rows whose columns differ (or whose runs in one column disagree)'))
    .addOption(new Option('--json', 'print the table as one JSON object (see `sc-repro schema`)').conflicts('markdown'))
    .addOption(new Option('--markdown', 'print the table as markdown, for an issue or a wiki'))
    .addHelpText(
      'after',
      examples([
        'sc-repro compare native.json elcap.json',
        'sc-repro compare reports/ --differences   # every *.json in reports/, only the rows that differ',
        'sc-repro compare reports/ --markdown > table.md',
        'sc-repro compare a.json b.json --json',
      ]) +
        `\nReports of the same stack share a column; where their runs disagree the cell shows the tally.\n` +
        `Exit codes: ${EXIT_MEANINGS.filter(({ code }) => [EXIT.ok, EXIT.failed, EXIT.environment, EXIT.usage].includes(code as 0))
          .map(({ code, compare }) => `${code} ${compare}`)
          .join('; ')}.\n`,
    )
    .action(async (paths: string[], opts: CompareOpts) => {
      const { compareCommand, outputWidth } = await import('../commands/compare.js');
      const format = opts.json ? 'json' : opts.markdown ? 'markdown' : 'text';
      await runCommand({ command: 'compare', json: format === 'json' }, () =>
        compareCommand({ paths, format, differences: !!opts.differences, width: outputWidth() }),
      );
    });
}
