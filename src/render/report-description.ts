// A report in words, once: the verdict sentence, the sections and their
// labelled lines, the environment, the timeline and the trace. The text and
// markdown renderers format this description and add no word of their own,
// so the two formats of one report cannot say different things.
import type { Verdict } from '../core/exit-codes.js';
import { exitMeaning } from '../core/exit-codes.js';
import { MANUAL_HOLD_SECONDS, type MatrixReport, type ReproReport } from '../orchestrator/report.js';
import type { ReaderDriver } from '../orchestrator/reader-driver.js';
import type { Environment } from '../platform/environment.js';
import { type Labelled, labelled, type Part, type Phrase, reader, value } from './phrase.js';
import {
  callOf,
  describeBinding,
  describeBlockedEvidence,
  describePrecondition,
  describeSpread,
  describeTally,
  driverPhrase,
  expectedName,
  expectedPhrase,
  formatArgs,
  observedPhrase,
  shellLanguage,
  stepsByRole,
  timelineMoments,
} from './report-parts.js';

type TraceEntry = NonNullable<ReproReport['trace']>[number];

export const SECTION_TITLES = {
  steps: 'Steps to reproduce',
  observations: 'Expected and observed',
  environment: 'Environment',
} as const;

export interface StepsDescription {
  /** The code-block language of the commands: the shell of the platform that ran them. */
  shell: string;
  command: string;
  /** The two-terminal equivalent, where the scenario is one connect against a hold. */
  manual: { intro: Phrase; holder: string; whileHeld: Phrase; contender: string } | null;
  /** Introduces each role's calls. */
  whatRuns: Phrase;
  calls: Labelled[];
}

export interface EnvironmentDescription {
  facts: Labelled[];
  /** How to get the service's debug log: a recipe, often a command line with a pipe in it. */
  debugLog: Labelled;
}

export interface TraceDescription {
  title: Phrase;
  header: string[];
  /** One row per call; the first column is a number, right-aligned where columns are. */
  rows: Phrase[][];
}

export interface ReproDescription {
  verdict: Verdict;
  scenarioTitle: Phrase;
  reason: Phrase;
  hint: Labelled | null;
  knownBug: KnownBugDescription | null;
  steps: StepsDescription;
  observations: Labelled[];
  timeline: { title: Phrase; moments: Labelled[]; measured: Labelled[] };
  environment: EnvironmentDescription;
  trace: TraceDescription | null;
}

type KnownBug = NonNullable<ReproReport['knownBug']>;

export interface KnownBugDescription {
  label: Phrase;
  bug: Phrase;
  /** What it affects, where it was fixed, and the source. */
  status: Phrase;
}

/** `Apple bug 23646838 (closed as a duplicate of 22575831): title`, then what it affects, where it was fixed and the source. */
export function describeKnownBug(bug: KnownBug): KnownBugDescription {
  return {
    label: ['Known bug'],
    bug: [`${bug.vendor} bug ${bug.vendorBug}${bug.duplicateOf ? ` (closed as a duplicate of ${bug.duplicateOf})` : ''}: ${bug.title}`],
    status: [`affects ${bug.affects}`, ...(bug.fixedIn ? [`; fixed in ${bug.fixedIn}`] : []), '; reference ', { link: bug.reference }],
  };
}

/** A step as the catalog words it: each PC/SC call with its arguments a value, what is said about it words. */
function stepPhrase(step: string): Phrase {
  return step.split(/(SCard\w+(?:\([^)]*\))?)/).flatMap((part, i): Part[] => (i % 2 === 1 ? [value(part)] : part ? [part] : []));
}

function describeSteps(report: Pick<ReproReport, 'environment' | 'commandLine' | 'manual' | 'steps' | 'scenario'>): StepsDescription {
  return {
    shell: shellLanguage(report.environment),
    command: report.commandLine,
    manual: report.manual && {
      intro: ['or by hand, in two terminals:'],
      holder: report.manual.holder,
      whileHeld: [`then, while it holds (${MANUAL_HOLD_SECONDS} s):`],
      contender: report.manual.contender,
    },
    whatRuns: ['What runs (', value(`sc-repro scenarios ${report.scenario.id}`), '):'],
    calls: stepsByRole(report.steps).map(([role, calls]) =>
      labelled(
        role,
        calls.flatMap((call, i) => [...(i ? [' → '] : []), ...stepPhrase(call)]),
      ),
    ),
  };
}

function describeObservations(report: ReproReport): Labelled[] {
  const { repeat } = report;
  const latency: Phrase = [value(callOf(report)), ' latency'];
  return [
    labelled('Scenario', [value(report.scenario.id), `: ${report.scenario.title}`]),
    labelled('Reader', [
      report.reader.name === null ? '-' : reader(report.reader.name),
      ...(report.reader.atr ? ['  (ATR ', value(report.reader.atr), ')'] : []),
    ]),
    labelled('Expected', expectedPhrase(report.expected)),
    labelled('Observed', observedPhrase(report.observed)),
    ...report.notes.map((note) => labelled('Note', [note])),
    ...(report.precondition.evidence ? [labelled('Hold', [describePrecondition(report)])] : []),
    ...(report.evidence.blocked ? [labelled('Wait', [describeBlockedEvidence(report.evidence.blocked)])] : []),
    ...(repeat
      ? [
          labelled('Runs', [describeTally(repeat.verdicts, repeat.count)]),
          labelled('Outcomes', [describeTally(repeat.outcomes, repeat.count)]),
          { label: latency, value: [describeSpread(repeat.connectLatencyMs)] },
          labelled('Run time', [describeSpread(repeat.runMs)]),
        ]
      : []),
  ];
}

function describeTimeline(report: ReproReport): ReproDescription['timeline'] {
  const t = report.timeline;
  const ms = (label: Phrase, duration: number | null): Labelled[] => (duration === null ? [] : [{ label, value: [`${duration} ms`] }]);
  return {
    title: [
      report.repeat
        ? `Timeline of run ${report.repeat.shownRun} of ${report.repeat.count}, the first that gave the verdict (ms from its start)`
        : 'Timeline (ms from start)',
    ],
    moments: timelineMoments(t).map(([label, at]) => labelled(label, [at.toFixed(1)])),
    measured: [
      ...ms(['hold (measured by the holder)'], t.holdMs),
      ...ms([value(callOf(report)), ' latency'], t.connectLatencyMs),
      ...ms(['total'], t.totalMs),
      ...ms(['starting both processes'], report.startupMs),
    ],
  };
}

/** Each fact of the environment, `unknown` with the reason where it could not be read. */
export function describeEnvironment(env: Environment, driver: ReaderDriver | null): EnvironmentDescription {
  const missing = (key: string): Phrase => [env.unavailable[key] ? `unknown: ${env.unavailable[key]}` : 'unknown'];
  const lines = (text: string): Phrase =>
    text.split('\n').flatMap((line, i): Part[] => [...(i ? [{ lineBreak: true as const }] : []), value(line)]);
  return {
    facts: [
      labelled('OS', [`${env.os} ${env.osVersion}`, ...(env.osBuild ? [', build ', value(env.osBuild)] : [])]),
      labelled('Arch', [value(env.arch)]),
      labelled('Node.js', [value(env.node)]),
      labelled('sc-repro', [value(env.scRepro)]),
      labelled('PC/SC binding', env.binding ? [describeBinding(env.binding)] : missing('binding')),
      labelled('PC/SC service', env.pcscService ? lines(env.pcscService) : missing('pcscService')),
      labelled('PC/SC client library', env.pcscClient ? [value(env.pcscClient)] : missing('pcscClient')),
      labelled('Reader driver', driver ? driverPhrase(driver) : missing('reader.driver')),
    ],
    debugLog: labelled('Service debug log', [env.debugLog]),
  };
}

const TRACE_HEADER = ['ms', 'role', 'call', 'arguments', 'result', 'took ms'];

/** Every call on one timeline; `of` names the scenario when a report has several. */
export function describeTrace(trace: readonly TraceEntry[], of?: string): TraceDescription {
  return {
    title: [
      'Trace',
      ...(of ? [' of ', value(of)] : []),
      `: ${trace.length} PC/SC ${trace.length === 1 ? 'call' : 'calls'} of the holder, the contender and the observer, on one timeline`,
    ],
    header: TRACE_HEADER,
    rows: trace.map((entry) => [
      [entry.startMs.toFixed(1)],
      [entry.role],
      [value(entry.call)],
      [value(formatArgs(entry.args))],
      [value(entry.result)],
      [entry.durationMs.toFixed(3)],
    ]),
  };
}

export function describeRepro(report: ReproReport): ReproDescription {
  return {
    verdict: report.verdict,
    scenarioTitle: [report.scenario.title],
    reason: [report.reason],
    hint: report.hint ? labelled('hint', [report.hint]) : null,
    knownBug: report.knownBug && describeKnownBug(report.knownBug),
    steps: describeSteps(report),
    observations: describeObservations(report),
    timeline: describeTimeline(report),
    environment: describeEnvironment(report.environment, report.reader.driver),
    trace: report.trace ? describeTrace(report.trace) : null,
  };
}

export interface MatrixRowDescription {
  verdict: Verdict;
  id: string;
  title: Phrase;
  expected: Phrase;
  observed: Phrase;
  /** `as expected` for a row that is, else the verdict; with its tally over repeated runs. */
  outcome: string;
  /** The bug by vendor and number; `title` says what it is. */
  knownBug: { id: Phrase; title: Phrase } | null;
}

export interface MatrixDescription {
  /** What the exit code means, e.g. `Result  deviations found (exit 1)`. */
  result: Labelled;
  header: string[];
  rows: MatrixRowDescription[];
  /** Why each row that is not as expected is what it is. */
  why: { title: string; lines: Labelled[] };
  /** Calls other than the judged one that failed, by scenario. */
  notes: { title: string; lines: Labelled[] };
  notRun: Labelled | null;
  /** The reader and the total time. */
  facts: Labelled[];
  steps: { shell: string; command: string; perScenario: Phrase };
  environment: EnvironmentDescription;
  traces: TraceDescription[];
}

export function describeMatrix(report: MatrixReport): MatrixDescription {
  const byRow = (id: string, phrase: Phrase): Labelled => ({ label: [value(id)], value: phrase });
  return {
    result: labelled('Result', [`${exitMeaning(report.exitCode, 'matrix')} (exit ${report.exitCode})`]),
    header: ['Scenario', 'Expected', 'Observed', 'Verdict', 'Known bug'],
    rows: report.rows.map((row) => ({
      verdict: row.verdict,
      id: row.scenario.id,
      title: [row.scenario.title],
      expected: row.expected ? [value(expectedName(row.expected))] : ['no reference'],
      observed: row.repeat
        ? [describeTally(row.repeat.outcomes, row.repeat.count)]
        : row.observed === null
          ? ['no answer']
          : [value(row.observed)],
      outcome: `${row.verdict === 'not-affected' ? 'as expected' : row.verdict}${row.repeat ? ` ${row.repeat.verdicts[row.verdict]}/${row.repeat.count}` : ''}`,
      knownBug: row.knownBug && { id: [`${row.knownBug.vendor} ${row.knownBug.vendorBug}`], title: [row.knownBug.title] },
    })),
    why: {
      title: 'Why',
      lines: report.rows.filter((row) => row.verdict !== 'not-affected').map((row) => byRow(row.scenario.id, [row.reason])),
    },
    notes: { title: 'Notes', lines: report.rows.flatMap((row) => row.notes.map((note) => byRow(row.scenario.id, [note]))) },
    notRun: report.notRun.length
      ? labelled(
          // A plan that stopped early says why among the facts; otherwise only an interruption leaves scenarios out.
          report.stoppedEarly ? 'Not run' : 'Not run (interrupted)',
          report.notRun.flatMap((id, i): Part[] => [...(i ? [', '] : []), value(id)]),
        )
      : null,
    facts: [
      labelled('Reader', [report.reader === null ? '-' : reader(report.reader)]),
      ...(report.stoppedEarly ? [labelled('Stopped early', [report.stoppedEarly])] : []),
      labelled('Total', [
        `${(report.totalMs / 1000).toFixed(2)} s${report.startupMs === null ? '' : ` (process start-up ${report.startupMs} ms)`}`,
      ]),
    ],
    steps: {
      shell: shellLanguage(report.environment),
      command: report.commandLine,
      perScenario: ["Each scenario's PC/SC calls: ", value('sc-repro scenarios <id>')],
    },
    environment: describeEnvironment(report.environment, report.driver),
    traces: report.rows.flatMap((row) => (row.trace ? [describeTrace(row.trace, row.scenario.id)] : [])),
  };
}
