import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, shellQuote } from '../../src/orchestrator/report.js';
import { RunTally } from '../../src/orchestrator/summary.js';
import type { RunResult } from '../../src/orchestrator/run-types.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import { code, codeBlock, prose } from '../../src/render/markdown.js';
import { renderReproMarkdown } from '../../src/render/repro-markdown.js';
import { renderReproText } from '../../src/render/repro-text.js';
import { renderJson } from '../../src/render/json.js';
import { describeBinding, describeExpected, describeObserved, expectedName, timelineMoments } from '../../src/render/report-parts.js';
import { debugLogHint } from '../../src/platform/environment.js';
import { ENVIRONMENT, fixtureRun } from '../support/report-fixtures.js';

const HOSTILE = 'Evil | `Reader` <b>\n*00* 00';
const environment = ENVIRONMENT;

const result = (observedName: string): RunResult =>
  fixtureRun(observedName, HOSTILE, observedName === 'SCARD_E_PROTO_MISMATCH' ? 'Card protocol mismatch.' : 'Sharing violation.');

test('values are code spans: greppable, never backslash-escaped, one cell whatever they hold', () => {
  assert.equal(code('SCARD_E_SHARING_VIOLATION'), '`SCARD_E_SHARING_VIOLATION`');
  // A backtick inside: a longer fence (CommonMark), and a space where the value starts or ends with one.
  assert.equal(code('a `b` c'), '``a `b` c``');
  assert.equal(code('`edge'), '`` `edge ``');
  assert.equal(code('x ``` y'), '`x ``` y`');
  // In a table cell the pipe is `\|`, which GFM turns back into `|` inside a code span too.
  const cell = code(HOSTILE);
  assert.equal(cell, '``Evil \\| `Reader` <b>\\u000a*00* 00``');
  assert.ok(!cell.includes('\n'));
  assert.equal(code(HOSTILE, false), '``Evil | `Reader` <b>\\u000a*00* 00``');
  // Bidi overrides are escaped like controls: a name cannot display reversed.
  assert.equal(code('abc\u202Edef'), '`abc\\u202edef`');
});

test('prose keeps PC/SC names and quoted commands as code spans and escapes the rest', () => {
  assert.equal(
    prose('the stack answered SCARD_E_SHARING_VIOLATION, as expected'),
    'the stack answered `SCARD_E_SHARING_VIOLATION`, as expected',
  );
  assert.equal(prose('install it: `sudo apt install pcscd`'), 'install it: `sudo apt install pcscd`');
  assert.equal(prose('(SCARD_W_RESET_CARD)'), '(`SCARD_W_RESET_CARD`)');
  assert.equal(prose('a *b* <c> | d'), 'a \\*b\\* &lt;c&gt; \\| d');
  assert.equal(prose('two\nlines'), 'two<br>lines');
  assert.equal(prose('two\nlines', false), 'two lines');
  assert.doesNotMatch(prose('_x_ a_b SCARD_F_COMM_ERROR'), /\\_/);
  assert.equal(prose('SCardDisconnect(SCARD_LEAVE_CARD), done'), '`SCardDisconnect(SCARD_LEAVE_CARD)`, done');
});

test('code blocks use a fence longer than any backtick run inside', () => {
  assert.equal(codeBlock('a ``` b', 'sh'), '````sh\na ``` b\n````');
});

test('the markdown report: verdict, bug, steps to reproduce, expected and observed, timeline, environment', () => {
  const report = buildReport(
    elCapitanScardConnect,
    RunTally.of([result('SCARD_E_PROTO_MISMATCH')]),
    environment,
    shellQuote(['sc-repro', 'repro', '--reader', HOSTILE]),
  );
  const markdown = renderReproMarkdown(report);
  assert.match(markdown, /^### sc-repro: bug-reproduced — /);
  assert.match(markdown, /\*\*Verdict: `bug-reproduced`\*\*/);
  assert.match(markdown, /Apple bug 23646838 \(closed as a duplicate of 22575831\)/);
  assert.deepEqual(
    markdown.split('\n').filter((line) => line.startsWith('#### ')),
    ['#### Steps to reproduce', '#### Expected and observed', '#### Timeline (ms from start)', '#### Environment'],
  );
  assert.match(markdown, /\| OS \| Debian GNU\/Linux 12 \(bookworm\), kernel 6\.1\.0, build `#1 SMP PREEMPT_DYNAMIC Debian 6\.1\.0-1` \|/);
  for (const row of ['Arch', 'Node.js', 'sc-repro', 'PC/SC binding', 'PC/SC service', 'PC/SC client library', 'Reader driver'])
    assert.match(markdown, new RegExp(`^\\| ${row} \\| .+ \\|$`, 'm'));
  // The debug-log recipe is below the table, so its pipe stays a pipe for plain-text readers.
  const linux = renderReproMarkdown({ ...report, environment: { ...environment, debugLog: debugLogHint('linux') } });
  assert.match(
    linux,
    /^\*\*Service debug log:\*\* stop the system service .*`sudo pcscd --foreground --debug --apdu 2>&1 \| tee pcscd\.log`/m,
  );
  assert.doesNotMatch(linux, /\\\| tee/);
  assert.match(markdown, /\| PC\/SC service \| `pcsc-lite version 1\.9\.9\.`<br>`Enabled features: /);
  assert.match(markdown, /^\| Reader \| ``Evil \\\| `Reader` <b>\\u000a\*00\* 00`` {2}\(ATR `3B 80 80 01 01`\) \|$/m);
  assert.match(markdown, /\| Expected \| `SCARD_E_SHARING_VIOLATION` \(`0x8010000B`\): Sharing violation\. \|/);
  assert.match(markdown, /\| Observed \| `SCARD_E_PROTO_MISMATCH` \(`0x8010000F`\) from `SCardConnect`: Card protocol mismatch\. \|/);
  assert.doesNotMatch(markdown, /\\_/);
  // Every table row keeps its column count despite the hostile reader name.
  for (const line of markdown.split('\n').filter((l) => l.startsWith('|'))) {
    assert.equal(line.replace(/\\\|/g, '').split('|').length, 4, line);
  }
  // The command stays one line: the newline in the name is written as an escape the shell understands.
  assert.match(markdown, /```sh\n {3}sc-repro repro --reader \$'Evil \| `Reader` <b>\\n\*00\* 00'\n {3}```/);
  // The two-terminal equivalent, for a scenario that is one connect against a hold.
  assert.match(markdown, /```sh\n {3}sc-repro lock --reader \$'Evil \| `Reader` <b>\\n\*00\* 00' --mode exclusive --hold 10\n {3}```/);
  assert.match(markdown, /```sh\n {3}sc-repro connect --reader \$'Evil \| `Reader` <b>\\n\*00\* 00' --mode shared\n {3}```/);
  // Calls are code spans; what is said about them stays prose.
  assert.match(markdown, /^What runs \(`sc-repro scenarios el-capitan-scardconnect`\):$/m);
  assert.match(
    markdown,
    /^- contender: `SCardConnect\(SHARED\)` \(judged\) → `SCardDisconnect\(SCARD_LEAVE_CARD\)`, if a handle is still open$/m,
  );
  assert.match(markdown, /^- observer: `SCardGetStatusChange\(UNAWARE, timeout 0\)` while the reader is held$/m);
});

test('the text report carries the same sections as the markdown, with no colour codes off a terminal', () => {
  const plain = { ...result('SCARD_E_PROTO_MISMATCH'), reader: { name: 'Virtual PCD 00 00', atr: '3B 80 80 01 01' } };
  const report = buildReport(
    elCapitanScardConnect,
    RunTally.of([plain]),
    environment,
    shellQuote(['sc-repro', 'repro', '--reader', 'Virtual PCD 00 00']),
  );
  const text = renderReproText(report);
  assert.deepEqual(
    text.split('\n').filter((line) => /^[A-Z][a-z]/.test(line) && !/^(Known bug|hint:)/.test(line)),
    ['Steps to reproduce', 'Expected and observed', 'Timeline (ms from start)', 'Environment'],
  );
  assert.match(text, /^ {2}sc-repro repro --reader 'Virtual PCD 00 00'$/m);
  assert.match(text, /^ {2}or by hand, in two terminals: sc-repro lock --reader 'Virtual PCD 00 00' --mode exclusive --hold 10$/m);
  assert.match(text, /^ {2}PC\/SC service +pcsc-lite version 1\.9\.9\.; Enabled features: /m);
  assert.doesNotMatch(text, /\u001b\[/);
});

test('the text report puts the verdict line first', () => {
  const report = buildReport(elCapitanScardConnect, RunTally.of([result('SCARD_E_PROTO_MISMATCH')]), environment, 'sc-repro repro');
  const text = renderReproText(report);
  assert.match(text.split('\n')[0]!, /BUG-REPRODUCED {2}SCARD_E_PROTO_MISMATCH is the signature of Apple bug 23646838/);
  assert.match(text, /^ {2}Observed +SCARD_E_PROTO_MISMATCH \(0x8010000F\) from SCardConnect: Card protocol mismatch\.$/m);
  // A newline in the name must not forge a line of the report: it is shown quoted.
  assert.match(text, /^ {2}Reader +"Evil \| `Reader` <b>\\n\*00\* 00" {2}\(ATR 3B 80 80 01 01\)$/m);
});

test('the JSON report carries the envelope and the report fields', () => {
  const report = buildReport(elCapitanScardConnect, RunTally.of([result('SCARD_E_SHARING_VIOLATION')]), environment, 'sc-repro repro');
  const json = JSON.parse(renderJson('repro', report.exitCode, report));
  for (const key of [
    'schemaVersion',
    'command',
    'ok',
    'exitCode',
    'verdict',
    'scenario',
    'steps',
    'manual',
    'expected',
    'observed',
    'knownBug',
    'timeline',
    'reader',
    'environment',
    'commandLine',
    'startupMs',
  ]) {
    assert.ok(key in json, key);
  }
  assert.deepEqual([json.schemaVersion, json.command, json.ok, json.exitCode], [2, 'repro', true, 0]);
  assert.equal(json.verdict, 'not-affected');
  assert.deepEqual(json.expected, { name: 'SCARD_E_SHARING_VIOLATION', hex: '0x8010000B', message: 'Sharing violation.' });
  assert.equal(json.reader.name, HOSTILE);
  assert.equal('repeat' in json, false, 'a single run has no repeat summary');
});

test('repeated runs: an intermittent bug is the verdict, with its tally and spreads', () => {
  const runs = [result('SCARD_E_SHARING_VIOLATION'), result('SCARD_E_PROTO_MISMATCH'), result('SCARD_E_PROTO_MISMATCH')];
  runs[0]!.timeline.connectLatencyMs = 5;
  const report = buildReport(elCapitanScardConnect, RunTally.of(runs), environment, 'sc-repro repro --repeat 3');
  assert.equal(report.verdict, 'bug-reproduced');
  assert.match(report.reason, /^bug-reproduced in 2\/3 runs; /);
  assert.deepEqual(report.repeat?.verdicts, { 'bug-reproduced': 2, 'not-affected': 1 });
  assert.deepEqual(report.repeat?.outcomes, { SCARD_E_PROTO_MISMATCH: 2, SCARD_E_SHARING_VIOLATION: 1 });
  assert.deepEqual(report.repeat?.connectLatencyMs, { min: 1.8, median: 1.8, max: 5 });
  assert.equal(report.knownBug?.vendorBug, '23646838');
  const text = renderReproText(report);
  assert.match(text, /^ {2}Runs +bug-reproduced 2\/3, not-affected 1\/3$/m);
  assert.match(renderReproMarkdown(report), /\| Runs \| bug-reproduced 2\/3, not-affected 1\/3 \|/);
});

test('shellQuote quotes only what needs it, for the shell of the platform that ran it', () => {
  assert.equal(
    shellQuote(['sc-repro', 'repro', '--reader', "it's here", '--json'], 'posix'),
    `sc-repro repro --reader 'it'\\''s here' --json`,
  );
  assert.equal(
    shellQuote(['sc-repro', 'repro', '--reader', "it's here", '--json'], 'powershell'),
    `sc-repro repro --reader 'it''s here' --json`,
  );
  // PowerShell reads @ and , in a bare word; POSIX shells do not.
  assert.equal(shellQuote(['--only', 'a,b', '@x'], 'posix'), '--only a,b @x');
  assert.equal(shellQuote(['--only', 'a,b', '@x'], 'powershell'), "--only 'a,b' '@x'");
  // A line break or a control character: an escape, so the command stays one line.
  assert.equal(shellQuote(['--reader', 'a\nb\u202e$x'], 'posix'), "--reader $'a\\nb\\u202e$x'");
  assert.equal(shellQuote(['--reader', 'a\nb\u202e$x'], 'powershell'), '--reader "a`nb$([char]0x202E)`$x"');
});

test('PowerShell 5.1: the typographic quotes are quotes, and control characters use only the escapes 5.1 has', () => {
  // Inside single quotes PowerShell ends the string on any of ' ‘ ’ ‚ ‛: each is doubled, as ' is.
  assert.equal(shellQuote(['--reader', 'a\u2018b'], 'powershell'), "--reader 'a\u2018\u2018b'");
  assert.equal(shellQuote(['--reader', 'a\u2019b'], 'powershell'), "--reader 'a\u2019\u2019b'");
  assert.equal(shellQuote(['--reader', 'a\u201ab'], 'powershell'), "--reader 'a\u201a\u201ab'");
  assert.equal(shellQuote(['--reader', 'a\u201bb'], 'powershell'), "--reader 'a\u201b\u201bb'");
  assert.equal(shellQuote(['--reader', "Bob\u2019s 'reader'"], 'powershell'), "--reader 'Bob\u2019\u2019s ''reader'''");
  // The double quotes are quotes too, inside a double-quoted string: escaped with a backtick, as " is.
  assert.equal(shellQuote(['--reader', '\u201cx\u201d\u201e"\n'], 'powershell'), '--reader "`\u201cx`\u201d`\u201e`"`n"');
  // The escapes 5.1 has (`0 `a `b `f `n `r `t `v); `e and `u{…} need PowerShell 6, so ESC and the rest are [char] subexpressions.
  assert.equal(shellQuote(['--reader', 'a\u0000\u0007\b\f\r\t\vz'], 'powershell'), '--reader "a`0`a`b`f`r`t`vz"');
  assert.equal(shellQuote(['--reader', '\u001b[31mred'], 'powershell'), '--reader "$([char]0x001B)[31mred"');
  assert.equal(shellQuote(['--reader', 'x\u0085\u2028\u061c'], 'powershell'), '--reader "x$([char]0x0085)$([char]0x2028)$([char]0x061C)"');
  assert.doesNotMatch(
    shellQuote(['--reader', `all${String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i))}\u007f`], 'powershell'),
    /`u\{|`e/,
  );
  // `--%` alone would stop PowerShell's parsing of everything after it.
  assert.equal(shellQuote(['--reader', '--%', '--json'], 'powershell'), "--reader '--%' --json");
  assert.equal(shellQuote(['--reader', '--%', '--json'], 'posix'), '--reader --% --json');
});

test('a note on a side call shows in text and markdown, after the observation', () => {
  const noted: RunResult = {
    ...result('SCARD_E_SHARING_VIOLATION'),
    notes: ["the contender's SCardDisconnect returned SCARD_E_INVALID_HANDLE (0x80100003)"],
  };
  const report = buildReport(elCapitanScardConnect, RunTally.of([noted]), ENVIRONMENT, 'sc-repro repro');
  assert.deepEqual(report.notes, noted.notes);
  assert.match(
    renderReproText(report),
    /^ {2}Observed .*\n {2}Note +the contender's SCardDisconnect returned SCARD_E_INVALID_HANDLE \(0x80100003\)$/m,
  );
  assert.match(
    renderReproMarkdown(report),
    /^\| Note \| the contender's SCardDisconnect returned `SCARD_E_INVALID_HANDLE` \(0x80100003\) \|$/m,
  );
});

test('the timeline reads in the order things happened: a blocked call answers after the release', () => {
  const moments = timelineMoments({
    holderStarted: 0.2,
    readerHeld: 3,
    contenderStarted: 4,
    attempt: 5,
    answer: 982.6,
    holderReleased: 980.1,
    holdMs: 977,
    connectLatencyMs: null,
    totalMs: 990,
  });
  assert.deepEqual(
    moments.map(([label]) => label),
    ['holder started', 'reader held', 'contender asked to act', 'contender attempt', 'holder released', 'answer'],
  );
  assert.deepEqual(
    timelineMoments({
      holderStarted: 0,
      readerHeld: null,
      contenderStarted: null,
      attempt: null,
      answer: null,
      holderReleased: null,
      holdMs: null,
      connectLatencyMs: null,
      totalMs: 1,
    }),
    [['holder started', 0]],
  );
});

test('an expected protocol is shown wherever the observed one is', () => {
  const expected = { name: 'SCARD_S_SUCCESS', hex: '0x00000000', message: 'Command successful.', protocol: 'undefined' };
  assert.equal(expectedName(expected), 'SCARD_S_SUCCESS (protocol undefined)');
  assert.equal(describeExpected(expected), 'SCARD_S_SUCCESS (0x00000000) with protocol undefined: Command successful.');
  assert.equal(describeExpected({ ...expected, protocol: undefined }), 'SCARD_S_SUCCESS (0x00000000): Command successful.');
});

test('a blocked observation names the call that waited, with its share mode', () => {
  const thenReturned = { ok: true, name: 'SCARD_S_SUCCESS', afterMs: 905, afterReleaseMs: 2.3 };
  assert.match(
    describeObserved({ ok: false, call: 'SCardConnect', mode: 'direct', blocked: true, afterMs: 902, thenReturned }),
    /^blocked: SCardConnect\(DIRECT\) had not returned after 902 ms/,
  );
  assert.match(
    describeObserved({ ok: false, call: 'SCardBeginTransaction', blocked: true, afterMs: 902, thenReturned }),
    /^blocked: SCardBeginTransaction had not returned/,
  );
  // The markdown says the same, in code spans.
  const report = buildReport(
    elCapitanScardConnect,
    RunTally.of([fixtureRun('SCARD_E_SHARING_VIOLATION', 'Virtual PCD 00 00')]),
    environment,
    'sc-repro repro',
  );
  const markdown = renderReproMarkdown({
    ...report,
    observed: { ok: false, call: 'SCardConnect', mode: 'direct', blocked: true, afterMs: 902, thenReturned },
  });
  assert.match(markdown, /^\| Observed \| blocked: `SCardConnect\(DIRECT\)` had not returned after 902 ms/m);
});

test('a hold proved by the holder says what the third party saw, in text, markdown and JSON', () => {
  const proved = (readerStateWhileHeld: RunResult['evidence']['readerStateWhileHeld']): RunResult => {
    const run = result('SCARD_E_SHARING_VIOLATION');
    return { ...run, evidence: { ...run.evidence, precondition: 'holder', readerStateWhileHeld } };
  };
  const inUse = buildReport(elCapitanScardConnect, RunTally.of([proved(['PRESENT', 'INUSE'])]), ENVIRONMENT, 'sc-repro repro');
  assert.match(
    renderReproText(inUse),
    /^ {2}Hold +a third party saw INUSE, not EXCLUSIVE \(PRESENT INUSE\): proved by the holder's own SCardStatus before and after the attempt$/m,
  );
  assert.match(
    renderReproMarkdown(inUse),
    /^\| Hold \| a third party saw INUSE, not EXCLUSIVE \(PRESENT INUSE\): proved by the holder's own `?SCardStatus`? before and after the attempt \|$/m,
  );
  const json = JSON.parse(renderJson('repro', inUse.exitCode, inUse));
  assert.deepEqual([json.precondition.evidence, json.evidence.readerStateWhileHeld], ['holder', ['PRESENT', 'INUSE']]);
  const none = buildReport(elCapitanScardConnect, RunTally.of([proved(['PRESENT'])]), ENVIRONMENT, 'sc-repro repro');
  assert.match(
    renderReproText(none),
    /^ {2}Hold +proved by the holder's own SCardStatus before and after the attempt: this stack shows no EXCLUSIVE\/INUSE to a third party$/m,
  );
});

test('the binding line names the interface the ffi binding called its library with', () => {
  const roles = { holder: 'ffi', contender: 'ffi' };
  assert.equal(
    describeBinding({ name: 'ffi', version: '3.3.4', library: '/x/pcsc-framework.so', layout: 'macos', roles }),
    'ffi 3.3.4 (/x/pcsc-framework.so, macos interface)',
  );
  assert.equal(
    describeBinding({
      name: 'pcsclite',
      version: '1.0.1',
      library: 'libpcsclite.so.1',
      layout: 'pcsclite',
      roles: { holder: 'pcsclite', contender: 'ffi' },
    }),
    'pcsclite 1.0.1 (libpcsclite.so.1); holder: pcsclite, contender: ffi',
  );
});
