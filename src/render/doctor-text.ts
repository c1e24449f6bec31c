import { DOCTOR_CHECKS, type CheckStatus, type DoctorCheck, type DoctorReport } from '../orchestrator/doctor-report.js';
import { displayName } from './display-name.js';
import { out } from './style.js';

// Colour is decided when a line is drawn: --no-color turns it off after this module loads.
const mark = (status: CheckStatus): string =>
  ({ ok: () => out.green('✔'), missing: () => out.red('✘'), 'not-checked': () => out.dim('-') })[status]();
const LABEL_WIDTH = Math.max(...DOCTOR_CHECKS.map((id) => id.length)) + 2;
const INDENT = ' '.repeat(2 + LABEL_WIDTH);

/** What the binding loaded, beyond its name and why: the library, the interface, the packages. */
function bindingDetails(binding: DoctorReport['binding']): string[] {
  const version = (name: string, value: string | null) => `${name} ${value ?? 'not installed'}`;
  const library = `library ${binding.library}${binding.client ? ` (${binding.client})` : ''}, layout ${binding.layout}`;
  const lines = [`${library}; ${version('koffi', binding.versions.koffi)}, ${version('pcsclite', binding.versions.pcsclite)}`];
  if (binding.addonError && binding.loaded) lines.push(out.dim(`the addon: ${binding.addonError}`));
  return lines;
}

function readerLines(readers: NonNullable<DoctorReport['readers']>): string[] {
  return readers.map((status) => {
    const card = status.cardPresent ? out.green('card present') : out.dim('no card');
    const flags = status.flags.filter((flag) => flag !== 'PRESENT' && flag !== 'EMPTY');
    return `${status.index}: ${displayName(status.reader)}  ${card}${flags.length ? ` [${flags.join(' ')}]` : ''}${status.atr ? `  ATR ${status.atr}` : ''}`;
  });
}

function checkLines(check: DoctorCheck, report: DoctorReport): string[] {
  const details =
    check.id === 'binding' ? bindingDetails(report.binding) : check.id === 'readers' && report.readers ? readerLines(report.readers) : [];
  return [
    `${mark(check.status)} ${check.id.padEnd(LABEL_WIDTH)}${check.summary}`,
    ...details.map((line) => `${INDENT}${line}`),
    ...(check.hint ? [`${INDENT}${out.bold('next:')} ${check.hint}`] : []),
  ];
}

/** One line per check with its mark, the details under it, what to do next for what is missing, and whether `repro` can run. */
export function renderDoctor(report: DoctorReport): string {
  const verdict = report.canRun.length
    ? `${out.green('repro can run now:')} ${report.canRun.join('  or  ')}`
    : `${out.red('repro cannot run yet:')} do the "next" steps above, then run \`sc-repro doctor\` again`;
  return `${report.checks.flatMap((check) => checkLines(check, report)).join('\n')}\n\n${verdict}\n`;
}
