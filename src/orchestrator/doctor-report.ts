// `sc-repro doctor` as data: each check, what to do about the ones that fail,
// and whether `repro` can run now. Built once from what the command found;
// text and JSON render this object and decide nothing.
import type { CodeJson } from '../core/errors.js';
import { EXIT, type ExitCode } from '../core/exit-codes.js';
import { hint, hintForCode } from '../platform/hints.js';
import type { DriverConfiguration } from '../platform/reader-driver.js';
import type { BindingDiagnosis, ReaderStatus } from '../pcsc/binding.js';

export const DOCTOR_CHECKS = ['binding', 'service', 'readers', 'card', 'vpcd'] as const;
export type DoctorCheckId = (typeof DOCTOR_CHECKS)[number];
export const CHECK_STATUSES = ['ok', 'missing', 'not-checked'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface DoctorCheck {
  id: DoctorCheckId;
  status: CheckStatus;
  summary: string;
  /** What to do next, for a check that is missing. */
  hint: string | null;
}

/** What the command found; null where it could not look (no binding, no service, not Linux). */
export interface DoctorFacts {
  binding: BindingDiagnosis;
  /** The PC/SC client library the system says is installed (the environment's pcscClient). */
  client: string | null;
  service: { answers: true; version: string | null } | { answers: false; error: CodeJson } | null;
  readers: ReaderStatus[] | null;
  /** The reader `--virtual` uses. */
  virtualReader: string;
  /** Linux only: the reader.conf entry that configures the vpcd driver, or null when none does. */
  vpcd: { configured: DriverConfiguration | null } | null;
  platform: string;
}

export interface DoctorReport {
  exitCode: ExitCode;
  /** The `repro` command lines that can run now; empty when none can (exit 2). */
  canRun: string[];
  checks: DoctorCheck[];
  binding: {
    chosen: BindingDiagnosis['chosen'];
    why: string;
    loaded: boolean;
    library: string;
    layout: BindingDiagnosis['layout'];
    versions: BindingDiagnosis['versions'];
    client: string | null;
    addonError: string | null;
    error: { message: string; hint: string | null } | null;
  };
  service: { answers: boolean; version: string | null; error: CodeJson | null } | null;
  readers: (ReaderStatus & { index: number })[] | null;
  vpcd: {
    reader: string;
    configured: boolean;
    driver: string | null;
    version: string | null;
    source: string | null;
    listed: boolean | null;
  } | null;
}

/** Whether `repro` can use the card in this reader now: present, answering, and not held exclusively by another program. */
const UNUSABLE: readonly ReaderStatus['flags'][number][] = ['MUTE', 'EXCLUSIVE', 'UNAVAILABLE'];

function usableCard(status: ReaderStatus): boolean {
  return status.cardPresent && !status.flags.some((flag) => UNUSABLE.includes(flag));
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function bindingCheck(binding: BindingDiagnosis): DoctorCheck {
  if (binding.loaded) return { id: 'binding', status: 'ok', summary: `${binding.chosen}: ${binding.why}`, hint: null };
  const summary = `${binding.chosen} does not load (${binding.why}): ${binding.error?.message ?? 'no reason given'}`;
  return { id: 'binding', status: 'missing', summary, hint: binding.error?.hint ?? null };
}

function serviceCheck(facts: DoctorFacts): DoctorCheck {
  const { service, platform } = facts;
  if (!service) return { id: 'service', status: 'not-checked', summary: 'not asked: no binding loads', hint: null };
  if (service.answers) {
    const version = service.version?.split('\n')[0];
    return { id: 'service', status: 'ok', summary: `the PC/SC service answers${version ? `: ${version}` : ''}`, hint: null };
  }
  const { name, hex, message } = service.error;
  return {
    id: 'service',
    status: 'missing',
    summary: `the PC/SC service does not answer: ${name ?? 'error'} (${hex}): ${message}`,
    hint: hintForCode(name, platform) ?? hint('noService', platform),
  };
}

function readersCheck(facts: DoctorFacts): DoctorCheck {
  if (!facts.readers) return { id: 'readers', status: 'not-checked', summary: 'not listed: the service does not answer', hint: null };
  if (facts.readers.length === 0) {
    return { id: 'readers', status: 'missing', summary: 'no smart-card reader found', hint: hint('noReader', facts.platform) };
  }
  return { id: 'readers', status: 'ok', summary: plural(facts.readers.length, 'reader'), hint: null };
}

function cardCheck(facts: DoctorFacts): DoctorCheck {
  const readers = facts.readers?.map((status, index) => ({ status, index }));
  if (!readers?.length) return { id: 'card', status: 'not-checked', summary: 'no reader to look in', hint: null };
  const usable = readers.filter(({ status }) => usableCard(status)).map(({ index }) => index);
  if (usable.length) return { id: 'card', status: 'ok', summary: `a card in reader ${usable.join(', ')}`, hint: null };
  const present = readers.filter(({ status }) => status.cardPresent);
  if (present.length) {
    const why = present.map(({ status, index }) => `reader ${index}: ${status.flags.filter((flag) => UNUSABLE.includes(flag)).join(' ')}`);
    return {
      id: 'card',
      status: 'missing',
      summary: `no card repro can use now (${why.join('; ')})`,
      hint: hint('readerBusy', facts.platform),
    };
  }
  return { id: 'card', status: 'missing', summary: 'no reader has a card', hint: hint('noCard', facts.platform) };
}

function vpcdCheck(facts: DoctorFacts, listed: boolean | null): DoctorCheck | null {
  if (!facts.vpcd) return null;
  const configured = facts.vpcd.configured;
  if (!configured) {
    const summary = `the vpcd driver is not configured: no reader.conf entry or driver bundle serves ${JSON.stringify(facts.virtualReader)}`;
    return { id: 'vpcd', status: 'missing', summary, hint: hint('noVpcd', facts.platform) };
  }
  const where = `${configured.name}${configured.version ? `, ${configured.version}` : ''}, in ${configured.source}`;
  if (listed === false) {
    return {
      id: 'vpcd',
      status: 'missing',
      summary:
        `the vpcd driver is configured (${where}), but the service does not list ${JSON.stringify(facts.virtualReader)}: ` +
        'pcscd reads its configuration only when it starts',
      hint: hint('noVpcd', facts.platform),
    };
  }
  const seen = listed ? `, and the service lists ${JSON.stringify(facts.virtualReader)}` : '';
  return { id: 'vpcd', status: 'ok', summary: `the vpcd driver is configured (${where})${seen}`, hint: null };
}

/**
 * `repro` can run now when a binding loads, the service answers, and either a
 * reader has a card it can use (`sc-repro repro`, with `--reader` when that is
 * not reader 0) or the vpcd reader is listed with no card in it, so that
 * `--virtual` can insert the built-in one. Exit 0 then, 2 otherwise.
 */
export function buildDoctorReport(facts: DoctorFacts): DoctorReport {
  const answers = !!facts.service?.answers;
  const readers = answers && facts.readers ? facts.readers : null;
  const listed = readers ? readers.some((status) => status.reader === facts.virtualReader) : null;
  const canRun: string[] = [];
  if (facts.binding.loaded && readers) {
    const first = readers.findIndex(usableCard);
    if (first !== -1) canRun.push(first === 0 ? 'sc-repro repro' : `sc-repro repro --reader ${first}`);
    const virtualReader = readers.find((status) => status.reader === facts.virtualReader);
    if (virtualReader && !virtualReader.cardPresent) canRun.push('sc-repro repro --virtual');
  }
  const seen = { ...facts, readers };
  const checks = [bindingCheck(facts.binding), serviceCheck(facts), readersCheck(seen), cardCheck(seen), vpcdCheck(facts, listed)];
  const { binding } = facts;
  const configured = facts.vpcd?.configured ?? null;
  return {
    exitCode: canRun.length ? EXIT.ok : EXIT.environment,
    canRun,
    checks: checks.filter((check): check is DoctorCheck => check !== null),
    binding: {
      chosen: binding.chosen,
      why: binding.why,
      loaded: binding.loaded,
      library: binding.library,
      layout: binding.layout,
      versions: binding.versions,
      client: facts.client,
      addonError: binding.addonError ?? null,
      error: binding.error ? { message: binding.error.message, hint: binding.error.hint ?? null } : null,
    },
    service: facts.service && {
      answers: facts.service.answers,
      version: facts.service.answers ? facts.service.version : null,
      error: facts.service.answers ? null : facts.service.error,
    },
    readers: readers ? readers.map((status, index) => ({ index, ...status })) : null,
    vpcd: facts.vpcd && {
      reader: facts.virtualReader,
      configured: configured !== null,
      driver: configured?.name ?? null,
      version: configured?.version ?? null,
      source: configured?.source ?? null,
      listed,
    },
  };
}
