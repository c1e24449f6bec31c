// `sc-repro repro` on a correct stack (pcsc-lite): the shared connect gets
// SCARD_E_SHARING_VIOLATION while the holder is proven to hold exclusively.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli, jsonOutput } from '../support/cli.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

await useStack({ before, after });

test('repro --json: not-affected, exit 0, with the documented schema', async () => {
  const result = await runCli(['repro', '--json', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.deepEqual([report.schemaVersion, report.command, report.ok, report.exitCode], [2, 'repro', true, 0]);
  assert.equal(report.verdict, 'not-affected');
  assert.equal(report.scenario.id, 'el-capitan-scardconnect');
  assert.deepEqual(report.expected, { name: 'SCARD_E_SHARING_VIOLATION', hex: '0x8010000B', message: 'Sharing violation.' });
  assert.equal(report.observed.name, 'SCARD_E_SHARING_VIOLATION');
  assert.equal(report.observed.hex, '0x8010000B');
  assert.equal(report.observed.code, 0x8010000b);
  assert.equal(report.knownBug, null);
  assert.equal(report.reader.name, VIRTUAL_READER);
  assert.equal(report.reader.atr, '3B 80 80 01 01');
  // The driver pcscd loaded for the reader, from its configuration, with the package version.
  assert.equal(report.reader.driver.name, 'libifdvpcd.so');
  assert.match(report.reader.driver.version, /^vsmartcard-vpcd \d/);
  assert.deepEqual(report.reader.driver.sources.slice(-1), ['/etc/reader.conf.d/vpcd']);
  assert.ok(report.evidence.readerStateWhileHeld.includes('EXCLUSIVE'), report.evidence.readerStateWhileHeld);
  assert.equal(report.evidence.holderHeldThroughAnswer, true);
  assert.equal(report.evidence.attemptInsideHold, true);

  const t = report.timeline;
  // The contender process starts with the holder, but attempts only once the reader is held.
  const order = [t.holderStarted, t.readerHeld, t.attempt, t.answer, t.holderReleased];
  assert.ok(
    [...order, t.contenderStarted].every((value) => typeof value === 'number'),
    JSON.stringify(t),
  );
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    order,
    `timeline out of order: ${JSON.stringify(t)}`,
  );
  assert.ok(t.contenderStarted <= t.attempt);
  assert.ok(t.connectLatencyMs >= 0 && t.connectLatencyMs < t.totalMs);
  // Released as soon as the answer was in, not after the 10 s default hold.
  assert.ok(t.holdMs < 5000, `held ${t.holdMs} ms`);
  for (const key of ['os', 'osVersion', 'osBuild', 'arch', 'node', 'scRepro', 'binding', 'pcscService', 'pcscClient', 'debugLog']) {
    assert.ok(report.environment[key], `environment.${key} missing`);
  }
  // The npm binding when it loads (it is built here), in every process.
  assert.deepEqual(report.environment.binding, {
    name: 'pcsclite',
    version: report.environment.binding.version,
    library: 'libpcsclite.so.1',
    layout: 'pcsclite',
    roles: { holder: 'pcsclite', contender: 'pcsclite' },
  });
  assert.match(report.environment.binding.version, /^\d+\.\d+\.\d+$/);
  // pcscd --version in full: the version and the features it was built with.
  assert.match(report.environment.pcscService, /^pcsc-lite version \d+\.\d+\.\d+\.\nEnabled features: .*\busb\b/);
  assert.match(report.environment.pcscClient, /^libpcsclite1 \d/);
  assert.match(report.environment.debugLog, /pcscd --foreground --debug --apdu/);
  assert.deepEqual(report.environment.unavailable, {});
  assert.deepEqual(report.steps.contender, [
    'SCardConnect(SHARED) (judged)',
    'SCardDisconnect(SCARD_LEAVE_CARD), if a handle is still open',
  ]);
  assert.deepEqual(report.manual, {
    holder: "sc-repro lock --reader 'Virtual PCD 00 00' --mode exclusive --hold 10",
    contender: "sc-repro connect --reader 'Virtual PCD 00 00' --mode shared",
  });
  assert.match(report.commandLine, /^sc-repro repro --json --reader 'Virtual PCD 00 00'$/);
  assert.equal('trace' in report, false, 'no trace unless asked');
  assert.equal(await readerIsFree(), true);
});

test('repro as text puts the verdict first, then expected vs observed and the timeline', async () => {
  const result = await runCli(['repro', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.match(lines[0]!, /^✔ NOT-AFFECTED {2}the stack answered SCARD_E_SHARING_VIOLATION, as expected$/);
  assert.match(result.stdout, /^ {2}Expected +SCARD_E_SHARING_VIOLATION \(0x8010000B\): Sharing violation\.$/m);
  assert.match(result.stdout, /^ {2}Observed +SCARD_E_SHARING_VIOLATION \(0x8010000B\) from SCardConnect: Sharing violation\.$/m);
  for (const label of ['holder started', 'reader held', 'contender asked to act', 'contender attempt', 'answer', 'holder released']) {
    assert.match(result.stdout, new RegExp(`^ +\\d+\\.\\d  ${label}$`, 'm'));
  }
  assert.equal(result.stderr, '', 'no spinner or noise on a non-TTY stderr');
});

test("repro --json --trace: the holder's connect, the observer's look and the contender's sharing violation on one timeline", async () => {
  const result = await runCli(['repro', '--json', '--trace', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  const trace = report.trace as {
    role: string;
    call: string;
    args: Record<string, string | number>;
    result: string;
    startMs: number;
    durationMs: number;
  }[];
  const at = (role: string, call: string, code: string) =>
    trace.find((entry) => entry.role === role && entry.call === call && entry.result === code);
  const held = at('holder', 'SCardConnect', 'SCARD_S_SUCCESS');
  const looks = trace.filter(
    (entry) => entry.role === 'observer' && entry.call === 'SCardGetStatusChange' && entry.result === 'SCARD_S_SUCCESS',
  );
  const seen = held && looks.find((look) => look.startMs >= held.startMs + held.durationMs - 1);
  const refused = at('contender', 'SCardConnect', 'SCARD_E_SHARING_VIOLATION');
  assert.ok(held && seen && refused, JSON.stringify(trace, null, 1));
  // The third party saw the reader free before the holder took it, and looked again once everything was let go.
  assert.ok(looks[0]!.startMs <= held.startMs, JSON.stringify(trace, null, 1));
  assert.deepEqual(held.args, { reader: VIRTUAL_READER, mode: 'exclusive', protocols: 'any' });
  assert.deepEqual(refused.args, { reader: VIRTUAL_READER, mode: 'shared', protocols: 'any' });
  // One timeline, in the order the calls happened: held, seen held, refused, released.
  assert.ok(held.startMs + held.durationMs <= seen.startMs + 1 && seen.startMs <= refused.startMs, JSON.stringify(trace, null, 1));
  assert.deepEqual(
    trace.map((entry) => entry.startMs),
    [...trace.map((entry) => entry.startMs)].sort((a, b) => a - b),
  );
  assert.ok(
    refused.startMs >= report.timeline.readerHeld - 1 && refused.startMs <= report.timeline.answer,
    JSON.stringify(report.timeline),
  );
  const released = trace.filter((entry) => entry.role === 'holder').at(-1);
  assert.equal(released?.call, 'SCardDisconnect');
  assert.deepEqual([trace.at(-1)!.role, trace.at(-1)!.call], ['observer', 'SCardGetStatusChange']);
  assert.ok(trace.at(-1)!.startMs >= released!.startMs, JSON.stringify(trace, null, 1));
  // The same trace in text and markdown.
  const text = await runCli(['repro', '--trace', '--reader', VIRTUAL_READER]);
  assert.match(
    text.stdout,
    /^Trace: \d+ PC\/SC calls of the holder, the contender and the observer, on one timeline\n {2} +ms {2}role {7}call/m,
  );
  assert.match(
    text.stdout,
    /^ +\d+\.\d {2}contender {2}SCardConnect +reader="Virtual PCD 00 00" mode=shared protocols=any +SCARD_E_SHARING_VIOLATION +\d+\.\d{3}$/m,
  );
  const markdown = await runCli(['repro', '--markdown', '--trace', '--reader', VIRTUAL_READER]);
  assert.match(
    markdown.stdout,
    /<details><summary>Trace: \d+ PC\/SC calls of the holder, the contender and the observer, on one timeline<\/summary>/,
  );
  assert.match(
    markdown.stdout,
    /^\| [\d.]+ \| contender \| `SCardConnect` \| `reader="Virtual PCD 00 00" mode=shared protocols=any` \| `SCARD_E_SHARING_VIOLATION` \| [\d.]+ \|$/m,
  );
});

test('--full-hold keeps the reader for the whole --hold', async () => {
  const result = await runCli(['repro', '--json', '--reader', VIRTUAL_READER, '--hold', '1.5', '--full-hold']);
  assert.equal(result.code, 0, result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'not-affected');
  assert.ok(report.timeline.holdMs >= 1450, `held ${report.timeline.holdMs} ms`);
});

test('--markdown --output writes the report to the file and the summary to the terminal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-repro-report-'));
  const file = join(dir, 'report.md');
  const result = await runCli(['repro', '--markdown', '--output', file, '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stderr);
  const markdown = readFileSync(file, 'utf8');
  assert.match(markdown, /^### sc-repro: not-affected — /);
  assert.match(markdown, /^\| PC\/SC service \| `pcsc-lite version \d+\.\d+\.\d+\.`<br>`Enabled features: [^`]+`/m);
  // Greppable: names in code spans, never backslash-escaped; the steps to reproduce first.
  assert.match(markdown, /`SCARD_E_SHARING_VIOLATION`/);
  assert.doesNotMatch(markdown, /\\_/);
  assert.match(
    markdown,
    /^#### Steps to reproduce\n\n1\. Run:\n\n {3}```sh\n {3}sc-repro repro --markdown --output \S+ --reader 'Virtual PCD 00 00'\n {3}```$/m,
  );
  assert.match(markdown, /^\| Reader driver \| `libifdvpcd\.so` `vsmartcard-vpcd [^`]+` \(from `\/etc\/reader\.conf\.d\/vpcd`\) \|$/m);
  assert.match(result.stdout, /^✔ NOT-AFFECTED/);
  assert.match(result.stdout, new RegExp(`Report written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});
