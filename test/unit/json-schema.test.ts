// `sc-repro schema` is the contract of every --json output. It must accept
// what the renderers produce and reject what a consumer would trip over: a
// verdict the tool does not know, a missing field, a field it does not define.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { JSON_SCHEMA } from '../../src/render/json-schema.js';
import { renderJson } from '../../src/render/json.js';
import { buildMatrixReport, buildReport } from '../../src/orchestrator/report.js';
import { RunTally } from '../../src/orchestrator/summary.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import type { RunResult } from '../../src/orchestrator/run-types.js';
import { ENVIRONMENT, fixtureRun } from '../support/report-fixtures.js';

// Compiled on first use, so that a schema Ajv rejects fails the compile test below by name, not the file's import.
let compiled: ValidateFunction | undefined;
const validate = (value: unknown) => {
  compiled ??= new Ajv2020({ allErrors: true, strict: true }).compile(JSON_SCHEMA);
  return compiled(value);
};
const valid = (value: unknown) => validate(value) || assert.fail(JSON.stringify(compiled!.errors, null, 1));
const invalid = (value: unknown, why: string) => assert.equal(validate(value), false, why);

const run: RunResult = {
  ...fixtureRun('SCARD_E_SHARING_VIOLATION', 'Virtual PCD 00 00'),
  trace: [
    {
      role: 'observer',
      call: 'SCardGetStatusChange',
      args: { reader: 'Virtual PCD 00 00', timeout: 0 },
      result: 'SCARD_S_SUCCESS',
      startMs: 3.5,
      durationMs: 0.2,
    },
  ],
};
const driver = {
  name: 'libifdvpcd.so',
  version: 'vsmartcard-vpcd 3.3',
  vendor: null,
  model: null,
  firmware: null,
  sources: ['/etc/reader.conf.d/vpcd'],
};
const repro = () =>
  JSON.parse(
    renderJson('repro', 0, buildReport(elCapitanScardConnect, RunTally.of([run]), ENVIRONMENT, 'sc-repro repro', undefined, { driver })),
  );

test('the schema itself compiles under draft 2020-12 in strict mode', () => {
  // Ajv2020 knows no other draft's meta-schema, and strict mode throws on a keyword 2020-12 does not define or one that has no effect.
  const ajv = new Ajv2020({ strict: true });
  assert.equal(ajv.validateSchema(JSON_SCHEMA), true, JSON.stringify(ajv.errors, null, 1));
  assert.doesNotThrow(() => ajv.compile(JSON_SCHEMA));
  // The smallest output there is, written out: the rejections below start from documents of this shape.
  valid({ schemaVersion: 2, command: 'repro', ok: false, exitCode: 2, message: 'x' });
});

test('repro, matrix and error outputs as rendered are valid', () => {
  valid(repro());
  const plan = {
    results: [{ scenario: elCapitanScardConnect, runs: RunTally.of([run]) }],
    reader: 'Virtual PCD 00 00',
    startupMs: 100,
    totalMs: 200,
    stoppedEarly: null,
    roleBindings: {},
  };
  valid(JSON.parse(renderJson('matrix', 0, buildMatrixReport(plan, ENVIRONMENT, 'sc-repro matrix'))));
  valid(
    JSON.parse(
      renderJson('repro', 2, {
        message: 'SCARD_E_NO_SERVICE (0x8010001D): Service not available.',
        hint: 'start pcscd',
        error: {
          code: 0x8010001d,
          hex: '0x8010001D',
          name: 'SCARD_E_NO_SERVICE',
          message: 'Service not available.',
          call: 'SCardEstablishContext',
        },
      }),
    ),
  );
});

test('a verdict the tool does not know is rejected', () => {
  invalid({ ...repro(), verdict: 'affected' }, 'verdict');
  invalid({ ...repro(), exitCode: 3 }, 'exit code');
});

test('a missing required field is rejected', () => {
  for (const field of ['verdict', 'schemaVersion', 'command', 'ok', 'exitCode', 'environment', 'reader', 'commandLine']) {
    const report = repro();
    delete report[field];
    invalid(report, field);
  }
  const report = repro();
  delete report.environment.pcscService;
  invalid(report, 'environment.pcscService');
});

test('a field the contract does not define is rejected, and so is the old schemaVersion', () => {
  invalid({ ...repro(), command: 'sc-repro repro' }, 'command is the command name');
  invalid({ ...repro(), kind: 'repro' }, 'unknown field');
  invalid({ ...repro(), schemaVersion: 1 }, 'schema version');
  const traced = repro();
  traced.trace[0].role = 'third-party';
  invalid(traced, 'trace role');
});

test('an error object is not a result: ok is false and no report fields come with it', () => {
  invalid({ schemaVersion: 2, command: 'repro', ok: true, exitCode: 2, message: 'x' }, 'ok on an error');
  invalid({ schemaVersion: 2, command: 'repro', ok: false, exitCode: 2, message: 'x', verdict: 'inconclusive' }, 'a verdict on an error');
});
