// The words of a report that text and markdown share: how an expectation, an
// observation, a tally, a binding, a driver and a call's arguments read.
import type { ExpectedJson, ReproReport } from '../orchestrator/report.js';
import type { ScenarioSteps } from '../scenarios/catalog.js';
import type { ReaderDriver } from '../orchestrator/reader-driver.js';
import type { BindingFacts, Environment } from '../platform/environment.js';
import { hasUnsafeCharacters } from '../core/unsafe-text.js';
import { displayName } from './display-name.js';
import { oneLine } from './errors.js';
import { type Part, type Phrase, plainText, value } from './phrase.js';

export function describeExpected(expected: ExpectedJson | null): string {
  return plainText(expectedPhrase(expected));
}

/** e.g. `SCARD_S_SUCCESS (0x00000000) with protocol undefined: Command successful.` */
export function expectedPhrase(expected: ExpectedJson | null): Phrase {
  if (!expected) return ['no reference for this platform'];
  return [
    value(expected.name),
    ...(expected.hex ? [' (', value(expected.hex), ')'] : []),
    ...(expected.protocol === undefined ? [] : [' with protocol ', value(expected.protocol)]),
    ...(expected.message ? [`: ${expected.message}`] : []),
  ];
}

/** An expectation by one name, written as an observed outcome is: `SCARD_S_SUCCESS (protocol undefined)`. */
export function expectedName(expected: ExpectedJson): string {
  return expected.protocol === undefined ? expected.name : `${expected.name} (protocol ${expected.protocol})`;
}

/** The call that waited, as the catalog writes it: `SCardConnect(DIRECT)`. */
export function blockedCall(observed: { call: string; mode?: string }): string {
  return observed.mode ? `${observed.call}(${observed.mode.toUpperCase()})` : observed.call;
}

export function describeObserved(observed: ReproReport['observed']): string {
  return plainText(observedPhrase(observed));
}

/** What the judged call did: succeeded, waited for the holder, or answered a code. */
export function observedPhrase(observed: ReproReport['observed']): Phrase {
  if (!observed) return ['no answer'];
  if (observed.ok)
    return [value(observed.call), ' succeeded', ...(observed.protocol ? [' (protocol ', value(observed.protocol), ')'] : [])];
  if ('blocked' in observed) {
    const late = observed.thenReturned;
    const then: Part[] = late
      ? ['; it returned ', value(late.name), ` ${late.afterReleaseMs} ms after the holder let go (${late.afterMs} ms after the attempt)`]
      : [];
    return ['blocked: ', value(blockedCall(observed)), ` had not returned after ${observed.afterMs} ms with the reader held`, ...then];
  }
  return [
    value(observed.name ?? 'unknown PC/SC code'),
    ' (',
    value(observed.hex),
    ')',
    ...(observed.call ? [' from ', value(observed.call)] : []),
    `: ${oneLine(observed.message)}`,
  ];
}

/** What proved the hold, in words, with what the third party saw when the holder's own word was needed. */
export function describePrecondition(report: Pick<ReproReport, 'precondition' | 'evidence'>): string {
  if (report.precondition.evidence === 'holder') {
    const proof = "proved by the holder's own SCardStatus before and after the attempt";
    // Only an exclusive hold is taken on the holder's word while INUSE shows (holdUnseen).
    const seen = report.evidence.readerStateWhileHeld ?? [];
    return seen.includes('INUSE')
      ? `a third party saw INUSE, not EXCLUSIVE (${seen.join(' ')}): ${proof}`
      : `${proof}: this stack shows no EXCLUSIVE/INUSE to a third party`;
  }
  return `seen by a third party (${report.evidence.readerStateWhileHeld?.join(' ') ?? '-'})`;
}

/** Why a blocked call waited for the holder: it followed two releases, and the act alone is quick. */
export function describeBlockedEvidence(blocked: NonNullable<ReproReport['evidence']['blocked']>): string {
  const holds = blocked.holds.map((hold) => `let go at ${hold.releasedAfterMs} ms, returned at ${hold.returnedAfterMs} ms`).join('; then ');
  return `followed the release in two holds (${holds}, from the attempt); the act alone on the free reader: ${blocked.controlMs} ms`;
}

export function describeSpread(spread: { min: number; median: number; max: number } | null): string {
  return spread ? `min ${spread.min} / median ${spread.median} / max ${spread.max} ms` : '-';
}

export function describeTally(counts: Partial<Record<string, number>>, total: number): string {
  return Object.entries(counts)
    .map(([key, count]) => `${key} ${count}/${total}`)
    .join(', ');
}

const TIMELINE_LABELS: [keyof ReproReport['timeline'], string][] = [
  ['holderStarted', 'holder started'],
  ['readerHeld', 'reader held'],
  ['contenderStarted', 'contender asked to act'],
  ['attempt', 'contender attempt'],
  ['answer', 'answer'],
  ['holderReleased', 'holder released'],
];

/** The timeline's moments in the order they happened: a blocked call answers after the release that freed it. */
export function timelineMoments(timeline: ReproReport['timeline']): [label: string, ms: number][] {
  return TIMELINE_LABELS.flatMap(([key, label]): [string, number][] => {
    const ms = timeline[key];
    return typeof ms === 'number' ? [[label, ms]] : [];
  }).sort((a, b) => a[1] - b[1]);
}

/** Each role's calls, leaving out the roles that make none. */
export function stepsByRole(steps: ScenarioSteps): [role: string, calls: string[]][] {
  return Object.entries(steps).filter(([, calls]) => calls.length);
}

/** The judged call, for labels. */
export function callOf(report: Pick<ReproReport, 'observed'>): string {
  return report.observed?.call ?? 'SCardConnect';
}

/** e.g. `pcsclite 1.0.1 (libpcsclite.so.1)`, the interface the ffi binding called it with, and the roles' own when one differs. */
export function describeBinding(binding: BindingFacts | null): string {
  if (!binding) return 'unknown';
  const called = binding.name === 'ffi' ? `${binding.library}, ${binding.layout} interface` : binding.library;
  const own = `${binding.name}${binding.version ? ` ${binding.version}` : ''} (${called})`;
  const { holder, contender } = binding.roles;
  return holder === binding.name && contender === binding.name ? own : `${own}; holder: ${holder ?? '-'}, contender: ${contender ?? '-'}`;
}

/** e.g. `libifdvpcd.so vsmartcard-vpcd 3.3+dfsg-2 (from /etc/reader.conf.d/vpcd)`: file names, versions and paths are looked up, not read. */
export function driverPhrase(driver: ReaderDriver): Phrase {
  const spaced = (facts: (string | null)[]): Part[] =>
    facts.filter((fact): fact is string => !!fact).flatMap((fact, i) => (i ? [' ', value(fact)] : [value(fact)]));
  const library = spaced([driver.name, driver.version]);
  const reader = spaced([driver.vendor, driver.model, driver.firmware && `firmware ${driver.firmware}`]);
  const sources = driver.sources.flatMap((source, i): Part[] => [...(i ? [' and '] : []), source.startsWith('/') ? value(source) : source]);
  return [
    ...library,
    ...(library.length && reader.length ? ['; '] : []),
    ...(reader.length ? ['reader: ', ...reader] : []),
    ' (from ',
    ...sources,
    ')',
  ];
}

/** A trace entry's arguments as `key=value` pairs. */
export function formatArgs(args: Record<string, string | number>): string {
  const shown = (value: string | number) =>
    typeof value !== 'string'
      ? String(value)
      : hasUnsafeCharacters(value)
        ? displayName(value)
        : /[\s"]/.test(value)
          ? JSON.stringify(value)
          : value;
  return Object.entries(args)
    .map(([key, value]) => `${key}=${shown(value)}`)
    .join(' ');
}

/** The code-block language of the report's commands: the shell of the platform that ran it. */
export function shellLanguage(environment: Pick<Environment, 'platform'>): string {
  return environment.platform === 'win32' ? 'powershell' : 'sh';
}
