// The built-in catalog, in the order `scenarios` and `matrix` show it, and
// the digests that let two reports say whether they ran the same definitions.
import { createRequire } from 'node:module';
import { scReproVersion } from '../core/version.js';
import { elCapitanScardConnect } from './el-capitan-scardconnect.js';
import { elCapitanScardTransmit } from './el-capitan-scardtransmit.js';
import { exclusiveConnectDuringTransaction } from './exclusive-connect-during-transaction.js';
import { SHARE_MODE_MATRIX } from './share-mode-matrix.js';
import { TRANSACTION_BLOCKING } from './transaction-blocking.js';
import { TRANSACTION_RULES } from './transaction-rules.js';
import { DIRECT_MODE } from './direct-mode.js';
import { cancelBlockedStatusChange } from './cancel.js';
import { CARD_STATE } from './card-state.js';
import type { PlatformId } from '../platform/platform-id.js';
import { describeStep, outcomeName, type Scenario } from './types.js';
import { expectedOn } from './verdict.js';

export const SCENARIOS: readonly Scenario[] = [
  ...SHARE_MODE_MATRIX,
  exclusiveConnectDuringTransaction,
  ...TRANSACTION_BLOCKING,
  ...TRANSACTION_RULES,
  ...DIRECT_MODE,
  cancelBlockedStatusChange,
  elCapitanScardTransmit,
  ...CARD_STATE,
];
export const DEFAULT_SCENARIO = elCapitanScardConnect;

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id);
}

/**
 * What a scenario's digest covers: everything that changes what runs or how
 * it is judged (the id, the holder's plan, the contender's steps, whose call
 * is judged, the card event, the contender acting after the release, the
 * expected outcome per platform, and which observed outcome names which known
 * bug, by the bug's id). Prose is left out: the title, the summary, and a
 * known bug's descriptive fields (title, vendor, affected and fixed releases,
 * reference), so correcting a sentence or a source keeps the digest. An
 * absent flag and its default are the same definition.
 */
export function scenarioDefinition(scenario: Scenario) {
  return {
    id: scenario.id,
    holder: scenario.holder,
    contender: scenario.contender,
    judge: scenario.judge,
    contenderActsAfterRelease: scenario.contenderActsAfterRelease ?? false,
    card: scenario.card ?? null,
    expected: scenario.expected,
    signatures: scenario.signatures.map(({ observed, bug }) => ({ observed, bug: bug.id })),
  };
}

/** JSON with every object's keys sorted and undefined members left out: the same data gives the same text, whatever order it was written in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:` and the first 16 hex digits (64 bits) of the hash of the text: enough to tell definitions apart, short enough to show. */
function digestOf(text: string): string {
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** The digests of the shipped catalog: each scenario's, in catalog order, and the catalog's. */
export interface ShippedDigests {
  scenarios: string[];
  catalog: string;
}

/**
 * The shipped catalog's digests, computed by the build from these very definitions (scripts/build.ts defines this as
 * JSON): a report then neither loads node:crypto (~7 ms of CPU) nor serializes the whole catalog (~1 MB of garbage)
 * to hash texts known in advance. Only the catalog's own objects take them, which nothing changes in place; any other
 * scenario, and every one when run from the sources, is hashed.
 */
declare const SC_REPRO_BUILT_DIGESTS: string | undefined;
const built: ShippedDigests | null = typeof SC_REPRO_BUILT_DIGESTS === 'string' ? JSON.parse(SC_REPRO_BUILT_DIGESTS) : null;

/** What the build defines as SC_REPRO_BUILT_DIGESTS. */
export function shippedDigests(): ShippedDigests {
  return { scenarios: SCENARIOS.map(hashedDigest), catalog: hashedCatalogDigest(SCENARIOS) };
}

const hashedDigest = (scenario: Scenario) => digestOf(canonicalJson(scenarioDefinition(scenario)));
const hashedCatalogDigest = (scenarios: readonly Scenario[]) =>
  digestOf(canonicalJson(scenarios.map((scenario) => [scenario.id, scenarioDigest(scenario)])));

/** The digest of a scenario's definition (scenarioDefinition, as canonical JSON). */
export function scenarioDigest(scenario: Scenario): string {
  const at = built ? SCENARIOS.indexOf(scenario) : -1;
  return at >= 0 ? built!.scenarios[at]! : hashedDigest(scenario);
}

/** Which catalog a report ran: the sc-repro release that ships it, and a digest over every scenario's id and digest, in order. */
export interface CatalogIdentity {
  version: string;
  digest: string;
  scenarios: number;
}

export function catalogIdentity(scenarios: readonly Scenario[] = SCENARIOS, version: string = scReproVersion()): CatalogIdentity {
  return {
    version,
    digest: built && scenarios === SCENARIOS ? built.catalog : hashedCatalogDigest(scenarios),
    scenarios: scenarios.length,
  };
}

export type ScenarioSteps = Record<'holder' | 'contender' | 'observer' | 'card', string[]>;

/** Every PC/SC call a scenario makes, by role, in order: what a reader of a report needs to know ran. */
export function scenarioSteps(scenario: Scenario): ScenarioSteps {
  const { holder, contender, judge } = scenario;
  const hold = [
    `SCardConnect(${holder.mode.toUpperCase()})`,
    ...(holder.transmit ? ['SCardTransmit'] : []),
    ...(holder.transaction ? ['SCardBeginTransaction'] : []),
  ];
  const judged = judge.role === 'holder' ? [`${describeStep(judge.step)} (judged)`] : [];
  const act = contender.act.map(
    (step, index) => `${describeStep(step)}${judge.role === 'contender' && index === contender.act.length - 1 ? ' (judged)' : ''}`,
  );
  // A transaction's owner looks at its handle before letting go: an idle transaction may have had its card reset (Windows).
  const beforeRelease = holder.transaction ? ['SCardStatus (the transaction was not reset)'] : [];
  return {
    holder: [...hold, ...judged, ...beforeRelease, 'SCardDisconnect(SCARD_LEAVE_CARD)'],
    contender: [...(contender.before ?? []).map(describeStep), ...act, 'SCardDisconnect(SCARD_LEAVE_CARD), if a handle is still open'],
    observer: ['SCardGetStatusChange(UNAWARE, timeout 0) while the reader is held'],
    card:
      scenario.card === 'removed'
        ? ['removed before the judged call, put back afterwards']
        : scenario.card === 'removed-and-reinserted'
          ? ['removed and inserted again before the judged call']
          : [],
  };
}

/** `scenarios --json`: a scenario as data, with what this platform should answer. */
export function scenarioJson(scenario: Scenario, platform: PlatformId | null) {
  const expected = expectedOn(scenario, platform);
  return {
    id: scenario.id,
    title: scenario.title,
    summary: scenario.summary,
    digest: scenarioDigest(scenario),
    holder: scenario.holder,
    contender: scenario.contender,
    judge: scenario.judge,
    ...(scenario.contenderActsAfterRelease ? { contenderActsAfterRelease: true } : {}),
    ...(scenario.card ? { card: scenario.card } : {}),
    steps: scenarioSteps(scenario),
    expectedHere: expected ? outcomeName(expected) : null,
    expected: Object.fromEntries(Object.entries(scenario.expected).map(([id, outcome]) => [id, outcomeName(outcome ?? null)])),
    knownBugs: scenario.signatures.map((signature) => ({ observed: outcomeName(signature.observed), ...signature.bug })),
  };
}
