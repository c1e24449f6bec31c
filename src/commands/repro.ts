import { writeFile } from 'node:fs/promises';
import { interruptSignal } from '../cli/run-command.js';
import { EnvironmentError } from '../cli/errors.js';
import { runScenario, type RunOptions } from '../orchestrator/run-scenario.js';
import { buildReport, shellQuote, type ReproReport } from '../orchestrator/report.js';
import { VERDICT_EXIT_CODES } from '../orchestrator/verdict.js';
import { collectEnvironment } from '../platform/environment.js';
import { insertVirtualCard, VPCD_DEFAULT_PORT, type VirtualCard } from '../virtual-card/vpcd-card.js';
import { renderReproText } from '../render/repro-text.js';
import { renderReproMarkdown } from '../render/repro-markdown.js';
import { startSpinner } from '../render/spinner.js';

export const VIRTUAL_READER_NAME = 'Virtual PCD 00 00';

export interface ReproCommandOptions
  extends Pick<RunOptions, 'scenario' | 'reader' | 'holdSeconds' | 'fullHold' | 'timeoutSeconds' | 'contenderEnv'> {
  virtual: boolean;
  format: 'text' | 'json' | 'markdown';
  output?: string;
  argv: string[];
}

async function insertBuiltInCard(): Promise<VirtualCard> {
  return insertVirtualCard({ port: VPCD_DEFAULT_PORT }).catch((error: Error) => {
    throw new EnvironmentError(
      `--virtual: cannot reach the vpcd reader driver on 127.0.0.1:${VPCD_DEFAULT_PORT} (${error.message})`,
      'install vsmartcard-vpcd and (re)start pcscd: `bash scripts/setup.sh --start-pcscd`',
    );
  });
}

export function renderReport(report: ReproReport, format: ReproCommandOptions['format']): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'markdown') return renderReproMarkdown(report);
  return renderReproText(report);
}

export async function reproCommand(options: ReproCommandOptions): Promise<number> {
  const interrupt = interruptSignal();
  const spinner = options.format === 'text' || options.output ? await startSpinner('preparing') : undefined;
  const environment = collectEnvironment();
  const card = options.virtual ? await insertBuiltInCard() : undefined;
  try {
    if (card) {
      // pcscd asks a new card for its ATR when it detects it; until then the
      // reader may still show the previous run's card, or none.
      await Promise.race([card.seenByReader, new Promise((resolve) => setTimeout(resolve, options.timeoutSeconds * 1000))]);
    }
    const { virtual, format, output, argv, ...run } = options;
    const result = await runScenario({
      ...run,
      reader: virtual ? { name: VIRTUAL_READER_NAME } : options.reader,
      signal: interrupt.signal,
      onPhase: (phase) => spinner?.update(phase),
    });
    spinner?.stop();
    const report = buildReport(options.scenario, result, await environment, shellQuote(['sc-repro', ...options.argv]));
    if (options.output) {
      await writeFile(options.output, renderReport(report, options.format));
      process.stdout.write(renderReproText(report));
      process.stdout.write(`Report written to ${options.output}\n`);
    } else {
      process.stdout.write(renderReport(report, options.format));
    }
    return interrupt.exitCode() ?? VERDICT_EXIT_CODES[report.verdict];
  } finally {
    spinner?.stop();
    await card?.remove();
  }
}

