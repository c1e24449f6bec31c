import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, shellQuote } from '../../src/orchestrator/report.js';
import { judge } from '../../src/scenarios/verdict.js';
import type { RunResult } from '../../src/orchestrator/run-scenario.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import { escapeMarkdown, codeBlock } from '../../src/render/markdown.js';
import { renderReproMarkdown } from '../../src/render/repro-markdown.js';
import { renderReproText } from '../../src/render/repro-text.js';
import { ENVIRONMENT } from '../support/report-fixtures.js';

const HOSTILE = 'Evil | `Reader` <b>\n*00* 00';
const environment = ENVIRONMENT;

function result(observedName: string): RunResult {
  const judgement = judge(elCapitanScardConnect, { kind: 'error', name: observedName }, 'linux-pcsclite');
  return {
    ...judgement,
    outcome: { kind: 'error', name: observedName },
    observed: { ok: false, code: 0x8010000f, hex: '0x8010000F', name: observedName, message: 'Card protocol mismatch.', call: 'SCardConnect' },
    reader: { name: HOSTILE, atr: '3B 80 80 01 01' },
    timeline: { holderStarted: 1, readerHeld: 120.5, contenderStarted: 130, attempt: 250, answer: 252, holderReleased: 260, holdMs: 140, connectLatencyMs: 1.8, totalMs: 270 },
    evidence: { precondition: 'observer', readerStateWhileHeld: ['PRESENT', 'EXCLUSIVE'], holderHeldThroughAnswer: true, attemptInsideHold: true },
    hint: null,
    notes: [],
    calls: [],
    environmentLost: false,
  };
}

test('markdown escaping keeps hostile text inside one table cell', () => {
  const cell = escapeMarkdown(HOSTILE);
  assert.ok(!/(?<!\\)\|/.test(cell), cell);
  assert.ok(!/(?<!\\)`/.test(cell), cell);
  assert.ok(!cell.includes('\n'));
  assert.ok(!cell.includes('<b>'));
  assert.equal(cell, 'Evil \\| \\`Reader\\` &lt;b&gt;<br>\\*00\\* 00');
});

test('code blocks use a fence longer than any backtick run inside', () => {
  assert.equal(codeBlock('a ``` b', 'sh'), '````sh\na ``` b\n````');
});

test('the markdown report has the verdict, the bug, the environment table and the re-run command', () => {
  const report = buildReport(elCapitanScardConnect, [result('SCARD_E_PROTO_MISMATCH')], environment, shellQuote(['sc-repro', 'repro', '--reader', HOSTILE]));
  const markdown = renderReproMarkdown(report);
  assert.match(markdown, /^### sc-repro: bug-reproduced — /);
  assert.match(markdown, /\*\*Verdict: `bug-reproduced`\*\*/);
  assert.match(markdown, /Apple bug 23646838 \(closed as a duplicate of 22575831\)/);
  assert.match(markdown, /\| OS \| Debian GNU\/Linux 12 \(bookworm\) 12 \(kernel 6\.1\.0\) \|/);
  for (const row of ['Arch', 'Node.js', 'sc-repro', 'PC/SC binding', 'PC/SC service']) assert.match(markdown, new RegExp(`^\\| ${row} \\| .+ \\|$`, 'm'));
  assert.match(markdown, /\| ATR \| 3B 80 80 01 01 \|/);
  assert.match(markdown, /\| Expected \| SCARD\\_E\\_SHARING\\_VIOLATION \(0x8010000B\): Sharing violation\. \|/);
  // Every table row keeps its column count despite the hostile reader name.
  for (const line of markdown.split('\n').filter((l) => l.startsWith('|'))) {
    assert.equal(line.replace(/\\\|/g, '').split('|').length, 4, line);
  }
  assert.match(markdown, /```sh\nsc-repro repro --reader 'Evil \| `Reader` <b>\n\*00\* 00'\n```/);
});

test('the text report puts the verdict line first', () => {
  const report = buildReport(elCapitanScardConnect, [result('SCARD_E_PROTO_MISMATCH')], environment, 'sc-repro repro');
  const text = renderReproText(report);
  assert.match(text.split('\n')[0]!, /BUG-REPRODUCED {2}SCARD_E_PROTO_MISMATCH is the signature of Apple bug 23646838/);
  assert.match(text, /Observed {3}SCARD_E_PROTO_MISMATCH \(0x8010000F\) from SCardConnect: Card protocol mismatch\./);
  // A newline in the name must not forge a line of the report: it is shown quoted.
  assert.match(text, /^Reader {5}"Evil \| `Reader` <b>\\n\*00\* 00" {2}\(ATR 3B 80 80 01 01\)$/m);
});

test('the JSON report carries the schema fields', () => {
  const report = buildReport(elCapitanScardConnect, [result('SCARD_E_SHARING_VIOLATION')], environment, 'sc-repro repro');
  const json = JSON.parse(JSON.stringify(report));
  for (const key of ['schemaVersion', 'verdict', 'scenario', 'expected', 'observed', 'knownBug', 'timeline', 'reader', 'environment', 'command', 'startupMs']) {
    assert.ok(key in json, key);
  }
  assert.equal(json.verdict, 'not-affected');
  assert.deepEqual(json.expected, { name: 'SCARD_E_SHARING_VIOLATION', hex: '0x8010000B', message: 'Sharing violation.' });
  assert.equal(json.reader.name, HOSTILE);
  assert.equal('repeat' in json, false, 'a single run has no repeat summary');
});

test('repeated runs: an intermittent bug is the verdict, with its tally and spreads', () => {
  const runs = [result('SCARD_E_SHARING_VIOLATION'), result('SCARD_E_PROTO_MISMATCH'), result('SCARD_E_PROTO_MISMATCH')];
  runs[0]!.timeline.connectLatencyMs = 5;
  const report = buildReport(elCapitanScardConnect, runs, environment, 'sc-repro repro --repeat 3');
  assert.equal(report.verdict, 'bug-reproduced');
  assert.match(report.reason, /^bug-reproduced in 2\/3 runs; /);
  assert.deepEqual(report.repeat?.verdicts, { 'bug-reproduced': 2, 'not-affected': 1 });
  assert.deepEqual(report.repeat?.outcomes, { SCARD_E_PROTO_MISMATCH: 2, SCARD_E_SHARING_VIOLATION: 1 });
  assert.deepEqual(report.repeat?.connectLatencyMs, { min: 1.8, median: 1.8, max: 5 });
  assert.equal(report.knownBug?.vendorBug, '23646838');
  const text = renderReproText(report);
  assert.match(text, /Runs {7}bug-reproduced 2\/3, not-affected 1\/3/);
  assert.match(renderReproMarkdown(report), /\| Runs \| bug-reproduced 2\/3, not-affected 1\/3 \|/);
});

test('shellQuote quotes only what needs it', () => {
  assert.equal(shellQuote(['sc-repro', 'repro', '--reader', "it's here", '--json']), `sc-repro repro --reader 'it'\\''s here' --json`);
});

test('a note on a side call shows in text and markdown, after the observation', () => {
  const noted: RunResult = { ...result('SCARD_E_SHARING_VIOLATION'), notes: ["the contender's SCardDisconnect returned SCARD_E_INVALID_HANDLE (0x80100003)"] };
  const report = buildReport(elCapitanScardConnect, [noted], ENVIRONMENT, 'sc-repro repro');
  assert.deepEqual(report.notes, noted.notes);
  assert.match(renderReproText(report), /^Observed .*\nNote {7}the contender's SCardDisconnect returned SCARD_E_INVALID_HANDLE \(0x80100003\)$/m);
  assert.match(renderReproMarkdown(report), /^\| Note \| the contender's SCardDisconnect returned SCARD\\_E\\_INVALID\\_HANDLE \(0x80100003\) \|$/m);
});
