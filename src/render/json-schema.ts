// `sc-repro schema`: one JSON Schema (draft 2020-12) for every --json output,
// errors included. Objects are closed (additionalProperties: false) and enums
// are the code's own lists, so a renamed field or a verdict the tool does not
// know fails validation. The e2e tests validate every --json output against it.
import { EXIT, VERDICTS } from '../core/exit-codes.js';
import { CHECK_STATUSES, DOCTOR_CHECKS } from '../orchestrator/doctor-report.js';
import { BINDING_NAMES } from '../pcsc/load-binding.js';
import { READER_STATE_FLAGS, SHARE_MODES } from '../pcsc/constants.js';
import { JSON_COMMANDS, SCHEMA_VERSION } from './json.js';
import { MARKS } from '../comparison/reports.js';

type Schema = Record<string, unknown>;

const string = { type: 'string' } as const;
const number = { type: 'number' } as const;
const integer = { type: 'integer' } as const;
const boolean = { type: 'boolean' } as const;
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const array = (items: Schema): Schema => ({ type: 'array', items });

/** A closed object: every property listed, `optional` ones may be left out. */
function object(properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    additionalProperties: false,
  };
}

const EXIT_CODES = [...new Set(Object.values(EXIT))].sort((a, b) => a - b);
const READER_STATE_NAMES = READER_STATE_FLAGS.map(([name]) => name);
const shareMode = { enum: Object.keys(SHARE_MODES) };
/** What proved the hold (Evidence['precondition']). */
const holdProof = { enum: ['observer', 'holder', null] };

/** The envelope every output starts with, for `command`. */
function envelope(command: string | readonly string[], ok?: boolean): Record<string, Schema> {
  return {
    schemaVersion: { const: SCHEMA_VERSION },
    command: typeof command === 'string' ? { const: command } : { enum: command },
    ok: ok === undefined ? boolean : { const: ok },
    exitCode: { enum: EXIT_CODES },
  };
}

const codeJson = object({ code: integer, hex: string, name: nullable(string), message: string, call: nullable(string) });
const spread = nullable(object({ min: number, median: number, max: number }));
const expected = nullable(object({ name: string, hex: nullable(string), message: nullable(string), protocol: string }, ['protocol']));
/** A known bug's record (scenarios/types.ts KnownBug), as reports and `scenarios --json` carry it. */
const KNOWN_BUG_FIELDS = {
  id: string,
  title: string,
  vendor: string,
  vendorBug: string,
  duplicateOf: string,
  affects: string,
  fixedIn: string,
  reference: string,
};
const KNOWN_BUG_OPTIONAL = ['duplicateOf', 'fixedIn'];
const knownBug = nullable(object(KNOWN_BUG_FIELDS, KNOWN_BUG_OPTIONAL));
const verdict = { enum: VERDICTS };
/** A scenario's or the catalog's digest (scenarios/catalog.ts): sha256 of a canonical JSON of the definition, first 16 hex digits. */
const scenarioDigest = { type: 'string', pattern: '^sha256:[0-9a-f]{16}$' } as const;

const defs: Record<string, Schema> = {
  environment: object(
    {
      os: string,
      osVersion: string,
      osBuild: nullable(string),
      platform: string,
      arch: string,
      node: string,
      scRepro: string,
      binding: nullable(
        object({
          name: string,
          version: nullable(string),
          library: string,
          layout: string,
          roles: object({ holder: nullable(string), contender: nullable(string) }),
        }),
      ),
      pcscService: nullable(string),
      // Which daemon and which library file answered; reports made before they were recorded lack them.
      pcscServiceOrigin: nullable(
        object({
          foundBy: { enum: ['pid-file', 'socket-owner', 'os'] },
          socket: nullable(string),
          pid: nullable(integer),
          executable: nullable(string),
          versionFrom: string,
        }),
      ),
      pcscClient: nullable(string),
      pcscClientOrigin: nullable(
        object({ library: nullable(string), path: nullable(string), versionFrom: { enum: ['package', 'pkg-config', 'os', null] } }),
      ),
      debugLog: string,
      unavailable: { type: 'object', additionalProperties: string },
    },
    ['pcscServiceOrigin', 'pcscClientOrigin'],
  ),
  /** The catalog a report ran (catalogIdentity); reports made before it was recorded lack it. */
  catalog: object({ version: string, digest: scenarioDigest, scenarios: integer }),
  driver: nullable(
    object({
      name: nullable(string),
      version: nullable(string),
      vendor: nullable(string),
      model: nullable(string),
      firmware: nullable(string),
      sources: array(string),
    }),
  ),
  trace: array(
    object({
      role: { enum: ['holder', 'contender', 'observer'] },
      call: { type: 'string', pattern: '^SCard' },
      args: { type: 'object', additionalProperties: { anyOf: [string, number] } },
      result: string,
      startMs: number,
      durationMs: number,
    }),
  ),
  repeat: object({
    count: integer,
    verdicts: { type: 'object', propertyNames: verdict, additionalProperties: integer },
    outcomes: { type: 'object', additionalProperties: integer },
    connectLatencyMs: spread,
    runMs: spread,
    shownRun: integer,
  }),
  precondition: object({ evidence: holdProof }),
  readerList: array(
    object({
      index: integer,
      reader: string,
      state: integer,
      flags: array({ enum: READER_STATE_NAMES }),
      cardPresent: boolean,
      atr: nullable(string),
    }),
  ),
  steps: object({ holder: array(string), contender: array(string), observer: array(string), card: array(string) }),
  observed: nullable({
    oneOf: [
      object({ ok: { const: true }, call: string, protocol: string }, ['protocol']),
      object({ ok: { const: false }, code: integer, hex: string, name: nullable(string), message: string, call: nullable(string) }),
      object(
        {
          ok: { const: false },
          call: string,
          mode: shareMode,
          blocked: { const: true },
          afterMs: number,
          thenReturned: object({ ok: boolean, name: string, afterMs: number, afterReleaseMs: number }),
        },
        ['mode'],
      ),
    ],
  }),
};

/** The fields of one scenario's report, without the envelope. */
const reproFields: Record<string, Schema> = {
  verdict,
  reason: string,
  hint: nullable(string),
  scenario: object({ id: string, title: string, summary: string, digest: scenarioDigest }, ['digest']),
  catalog: ref('catalog'),
  steps: ref('steps'),
  manual: nullable(object({ holder: string, contender: string })),
  expected,
  observed: ref('observed'),
  knownBug,
  reader: object({ name: nullable(string), atr: nullable(string), driver: ref('driver') }),
  timeline: object({
    holderStarted: nullable(number),
    readerHeld: nullable(number),
    contenderStarted: nullable(number),
    attempt: nullable(number),
    answer: nullable(number),
    holderReleased: nullable(number),
    holdMs: nullable(number),
    connectLatencyMs: nullable(number),
    totalMs: number,
  }),
  evidence: object({
    precondition: holdProof,
    readerStateWhileHeld: nullable(array({ enum: READER_STATE_NAMES })),
    holderHeldThroughAnswer: nullable(boolean),
    attemptInsideHold: nullable(boolean),
    blocked: nullable(object({ controlMs: number, holds: array(object({ releasedAfterMs: number, returnedAfterMs: number })) })),
  }),
  precondition: ref('precondition'),
  notes: array(string),
  startupMs: nullable(number),
  stoppedEarly: nullable(string),
  repeat: ref('repeat'),
  environment: ref('environment'),
  commandLine: string,
  trace: ref('trace'),
};

const matrixRow = object(
  {
    scenario: object({ id: string, title: string, digest: scenarioDigest }, ['digest']),
    verdict,
    reason: string,
    expected,
    observed: nullable(string),
    knownBug,
    connectLatencyMs: nullable(number),
    runMs: number,
    notes: array(string),
    precondition: ref('precondition'),
    repeat: ref('repeat'),
    trace: ref('trace'),
  },
  ['repeat', 'trace'],
);

/** `compare --json`: the table as data, a column per stack and a cell per column in each row (comparison/compare.ts). */
const compareFields: Record<string, Schema> = {
  differencesOnly: boolean,
  rowsCompared: integer,
  columns: array(
    object({
      id: integer,
      label: string,
      stack: object({
        os: string,
        osVersion: string,
        osBuild: nullable(string),
        platform: string,
        arch: string,
        pcscService: nullable(string),
        pcscClient: nullable(string),
        binding: nullable(
          object({
            name: string,
            version: nullable(string),
            library: string,
            layout: string,
            roles: object({ holder: nullable(string), contender: nullable(string) }),
          }),
        ),
        roleEnvironment: array(string),
      }),
      files: array(string),
    }),
  ),
  rows: array(
    object({
      scenario: object({ id: string, title: string, digest: nullable(string) }),
      definitionDiffers: boolean,
      differs: boolean,
      cells: array(
        object({
          column: integer,
          notRun: boolean,
          runs: integer,
          outcomes: array(
            object({
              mark: { enum: MARKS },
              observed: nullable(string),
              knownBug: nullable(string),
              reason: nullable(string),
              runs: integer,
            }),
          ),
        }),
      ),
    }),
  ),
  notes: array(string),
};

const outputs: Record<string, Schema> = {
  error: object({ ...envelope(JSON_COMMANDS, false), message: string, hint: string, error: codeJson }, ['hint', 'error']),
  repro: object({ ...envelope('repro'), ...reproFields }, ['catalog', 'repeat', 'trace']),
  matrix: object(
    {
      ...envelope('matrix'),
      catalog: ref('catalog'),
      rows: array(matrixRow),
      notRun: array(string),
      stoppedEarly: nullable(string),
      reader: nullable(string),
      driver: ref('driver'),
      startupMs: nullable(number),
      totalMs: number,
      environment: ref('environment'),
      commandLine: string,
    },
    ['catalog'],
  ),
  compare: object({ ...envelope('compare'), ...compareFields }),
  scenarios: object({
    ...envelope('scenarios', true),
    platform: nullable(string),
    scenarios: array(
      object(
        {
          id: string,
          title: string,
          summary: string,
          digest: scenarioDigest,
          holder: { type: 'object' },
          contender: { type: 'object' },
          judge: { type: 'object' },
          contenderActsAfterRelease: { const: true },
          card: { enum: ['removed', 'removed-and-reinserted'] },
          steps: ref('steps'),
          expectedHere: nullable(string),
          expected: { type: 'object', additionalProperties: nullable(string) },
          knownBugs: array(object({ observed: string, ...KNOWN_BUG_FIELDS }, KNOWN_BUG_OPTIONAL)),
        },
        ['contenderActsAfterRelease', 'card'],
      ),
    ),
  }),
  lock: object({
    ...envelope('lock'),
    reader: string,
    mode: shareMode,
    protocol: string,
    heldAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
    releasedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
    heldMs: number,
    reason: { enum: ['hold-elapsed', 'interrupted'] },
  }),
  connect: {
    oneOf: [
      object({ ...envelope('connect', true), reader: string, mode: shareMode, latencyMs: number, protocol: nullable(string) }),
      object({ ...envelope('connect', false), reader: string, mode: shareMode, latencyMs: number, error: codeJson }),
    ],
  },
  readers: object({
    ...envelope('readers', true),
    readers: ref('readerList'),
  }),
  doctor: object({
    ...envelope('doctor'),
    canRun: array(string),
    checks: array(object({ id: { enum: DOCTOR_CHECKS }, status: { enum: CHECK_STATUSES }, summary: string, hint: nullable(string) })),
    binding: object({
      chosen: { enum: BINDING_NAMES },
      why: string,
      loaded: boolean,
      library: string,
      layout: string,
      versions: object({ koffi: nullable(string), pcsclite: nullable(string) }),
      client: nullable(string),
      addonError: nullable(string),
      error: nullable(object({ message: string, hint: nullable(string) })),
    }),
    service: nullable(object({ answers: boolean, version: nullable(string), error: nullable(codeJson) })),
    readers: nullable(ref('readerList')),
    vpcd: nullable(
      object({
        reader: string,
        configured: boolean,
        driver: nullable(string),
        version: nullable(string),
        source: nullable(string),
        listed: nullable(boolean),
      }),
    ),
  }),
};

export const JSON_SCHEMA: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'sc-repro --json output',
  description: `Every --json output of sc-repro (schemaVersion ${SCHEMA_VERSION}): one object with schemaVersion, command, ok (true exactly when exitCode is 0) and exitCode, then the command's fields, or, when a command could not produce its result, message, hint and error.`,
  oneOf: Object.keys(outputs).map(ref),
  $defs: { ...defs, ...outputs },
};
