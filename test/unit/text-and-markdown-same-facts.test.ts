// The text and the markdown of one report say the same things: each phrase
// below, written out, must be in both. Markdown sets values as code spans, so
// it is read with its backticks taken out, and an address without the angle
// brackets that make it a link; nothing else is changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMatrixReport, buildReport, shellQuote } from '../../src/orchestrator/report.js';
import { RunTally } from '../../src/orchestrator/summary.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import { renderReproText } from '../../src/render/repro-text.js';
import { renderReproMarkdown } from '../../src/render/repro-markdown.js';
import { renderMatrixText } from '../../src/render/matrix-text.js';
import { renderMatrixMarkdown } from '../../src/render/matrix-markdown.js';
import { ENVIRONMENT, fixtureRun } from '../support/report-fixtures.js';

const READER = 'Virtual PCD 00 00';
const DRIVER = {
  name: 'libifdvpcd.so',
  version: 'vsmartcard-vpcd 3.3+dfsg-2',
  vendor: null,
  model: null,
  firmware: null,
  sources: ['/etc/reader.conf.d/vpcd'],
};
const NOTE = "the contender's SCardDisconnect returned SCARD_E_INVALID_HANDLE (0x80100003)";
const TRACE = [
  {
    role: 'contender' as const,
    call: 'SCardConnect',
    args: { reader: READER, mode: 'shared', protocols: 'any' },
    result: 'SCARD_E_PROTO_MISMATCH',
    startMs: 250,
    durationMs: 1.8,
  },
];

/** The same report as the two formats: the text without colour, the markdown without its code-span backticks and link brackets. */
function bothFormats(text: string, markdown: string): { text: string; markdown: string } {
  assert.doesNotMatch(text, /\u001b\[/);
  return { text, markdown: markdown.replace(/`/g, '').replace(/<(https:[^>]+)>/g, '$1') };
}

function assertInBoth(formats: { text: string; markdown: string }, phrases: readonly string[]): void {
  for (const phrase of phrases) {
    assert.ok(formats.text.includes(phrase), `the text lacks ${JSON.stringify(phrase)}:\n${formats.text}`);
    assert.ok(formats.markdown.includes(phrase), `the markdown lacks ${JSON.stringify(phrase)}:\n${formats.markdown}`);
  }
}

test('repro: the text and the markdown of one report carry the same facts, in the same words', () => {
  const pass = fixtureRun('SCARD_E_SHARING_VIOLATION', READER);
  const bug = { ...fixtureRun('SCARD_E_PROTO_MISMATCH', READER, 'Card protocol mismatch.'), notes: [NOTE], trace: TRACE };
  const report = buildReport(
    elCapitanScardConnect,
    RunTally.of([pass, bug, bug]),
    ENVIRONMENT,
    shellQuote(['sc-repro', 'repro', '--reader', READER, '-n', '3', '--trace'], 'posix'),
    { startupMs: 200, stoppedEarly: null },
    { driver: DRIVER },
  );
  const formats = bothFormats(renderReproText(report), renderReproMarkdown(report));
  assertInBoth(formats, [
    // The verdict, and the bug it is.
    'bug-reproduced in 2/3 runs; SCARD_E_PROTO_MISMATCH is the signature of Apple bug 23646838',
    'Known bug',
    'Apple bug 23646838 (closed as a duplicate of 22575831): SCardConnect() returns SCARD_E_PROTO_MISMATCH instead of SCARD_E_SHARING_VIOLATION',
    'affects OS X 10.11 El Capitan; fixed in macOS Sierra 10.12.0; reference https://blog.apdu.fr/posts/2015/11/os-x-el-capitan-bug-scardconnect/',
    // Steps to reproduce.
    'Steps to reproduce',
    "sc-repro repro --reader 'Virtual PCD 00 00' -n 3 --trace",
    'or by hand, in two terminals:',
    "sc-repro lock --reader 'Virtual PCD 00 00' --mode exclusive --hold 10",
    'then, while it holds (10 s):',
    "sc-repro connect --reader 'Virtual PCD 00 00' --mode shared",
    'What runs (sc-repro scenarios el-capitan-scardconnect):',
    'SCardConnect(SHARED) (judged) → SCardDisconnect(SCARD_LEAVE_CARD), if a handle is still open',
    'SCardGetStatusChange(UNAWARE, timeout 0) while the reader is held',
    // Expected and observed.
    'Expected and observed',
    'el-capitan-scardconnect: Shared connect while another process holds the reader exclusively',
    'Virtual PCD 00 00  (ATR 3B 80 80 01 01)',
    'SCARD_E_SHARING_VIOLATION (0x8010000B): Sharing violation.',
    'SCARD_E_PROTO_MISMATCH (0x8010000F) from SCardConnect: Card protocol mismatch.',
    NOTE,
    'seen by a third party (PRESENT EXCLUSIVE)',
    'bug-reproduced 2/3, not-affected 1/3',
    'SCARD_E_PROTO_MISMATCH 2/3, SCARD_E_SHARING_VIOLATION 1/3',
    'SCardConnect latency',
    'min 1.8 / median 1.8 / max 1.8 ms',
    'Run time',
    // The timeline.
    'Timeline of run 2 of 3, the first that gave the verdict (ms from its start)',
    'contender attempt',
    '250.0',
    'hold (measured by the holder)',
    '140 ms',
    'starting both processes',
    '200 ms',
    // The environment.
    'Environment',
    'Debian GNU/Linux 12 (bookworm), kernel 6.1.0, build #1 SMP PREEMPT_DYNAMIC Debian 6.1.0-1',
    'PC/SC binding',
    'pcsclite 1.0.1 (libpcsclite.so.1)',
    'PC/SC service',
    'pcsc-lite version 1.9.9.',
    'Enabled features: Linux x86_64-pc-linux-gnu libsystemd serial usb libudev',
    'PC/SC client library',
    'libpcsclite1 1.9.9-2',
    'Reader driver',
    'libifdvpcd.so vsmartcard-vpcd 3.3+dfsg-2 (from /etc/reader.conf.d/vpcd)',
    'Service debug log',
    'sudo pcscd --foreground --debug --apdu',
    // The trace.
    'Trace: 1 PC/SC call of the holder, the contender and the observer, on one timeline',
    'took ms',
    'reader="Virtual PCD 00 00" mode=shared protocols=any',
  ]);
});

test('matrix: the text and the markdown of one report carry the same facts, in the same words', () => {
  const bug = { ...fixtureRun('SCARD_E_PROTO_MISMATCH', READER, 'Card protocol mismatch.'), notes: [NOTE], trace: TRACE };
  const plan = {
    results: [{ scenario: elCapitanScardConnect, runs: RunTally.of([bug]) }],
    reader: READER,
    startupMs: 200,
    totalMs: 1234,
    stoppedEarly: null,
    roleBindings: {},
  };
  const report = buildMatrixReport(plan, ENVIRONMENT, 'sc-repro matrix --trace', { driver: DRIVER });
  const formats = bothFormats(renderMatrixText(report), renderMatrixMarkdown(report));
  assertInBoth(formats, [
    'deviations found (exit 1)',
    'Virtual PCD 00 00',
    '1.23 s (process start-up 200 ms)',
    'bug-reproduced',
    'Apple 23646838',
    'Why',
    'el-capitan-scardconnect: SCARD_E_PROTO_MISMATCH is the signature of Apple bug 23646838',
    'Notes',
    `el-capitan-scardconnect: ${NOTE}`,
    'Steps to reproduce',
    'sc-repro matrix --trace',
    "Each scenario's PC/SC calls: sc-repro scenarios <id>",
    'Environment',
    'PC/SC client library',
    'libifdvpcd.so vsmartcard-vpcd 3.3+dfsg-2 (from /etc/reader.conf.d/vpcd)',
    'Service debug log',
    'Trace of el-capitan-scardconnect: 1 PC/SC call of the holder, the contender and the observer, on one timeline',
  ]);
});
