// Card scenarios on a real reader: sc-repro cannot take the card out itself,
// so on a terminal it asks the person there, with a countdown, and judges the
// scenario once the reader shows the change; with no terminal it ends
// `inconclusive` ("needs card removal") and runs the other scenarios as usual.
// Here the "real reader" is vpcd with a card this test controls, and the
// terminal is a pseudo-terminal from util-linux `script`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useStack, insertCard, removeCard, readerStatus, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { CLI, runCli, jsonOutput } from '../support/cli.js';
import { onTerminal } from '../support/terminal.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';
import { sleep } from '../../src/core/bounded-wait.js';
import type { VirtualCard } from '../../src/virtual-card/vpcd-card.js';

await useStack({ before, after }, { card: false });

const PROMPT = /(Take the card out of|Put the card back into) [^\r\n\x1b]+? now \((\d+) s left\)/g;

let card: VirtualCard | undefined;
const dir = mkdtempSync(join(tmpdir(), 'sc-repro-card-prompt-'));
before(async () => {
  card = await insertCard();
});
after(async () => {
  await card?.remove();
  rmSync(dir, { recursive: true, force: true });
});

test('with no terminal, a card scenario is inconclusive (needs card removal) and the others are judged', async () => {
  const result = await runCli([
    'matrix',
    '--json',
    '--reader',
    VIRTUAL_READER,
    '--only',
    'transmit-after-card-removed,share-exclusive-exclusive',
  ]);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  const rows = jsonOutput(result.stdout).rows as { scenario: { id: string }; verdict: string; reason: string }[];
  const byId = Object.fromEntries(rows.map((row) => [row.scenario.id, row]));
  assert.equal(byId['share-exclusive-exclusive']!.verdict, 'not-affected');
  assert.equal(byId['transmit-after-card-removed']!.verdict, 'inconclusive');
  assert.match(byId['transmit-after-card-removed']!.reason, /^needs card removal/);
  // The card was never touched: it is still in the reader.
  assert.equal((await readerStatus()).cardPresent, true);
});

test('on a terminal, sc-repro asks for the card to be taken out and put back, counts down, and judges the scenarios', async () => {
  const output = join(dir, 'matrix.json');
  const child = onTerminal([
    'matrix',
    '--json',
    '--output',
    output,
    '--reader',
    VIRTUAL_READER,
    '--only',
    'transmit-after-card-removed,transmit-after-card-reinserted',
  ]);
  let seen = '';
  // When each part of the output arrived: a figure of the countdown is dated by the chunk that brought it.
  const arrivals: { end: number; at: number }[] = [];
  const arrivedAt = (index: number) => arrivals.find((arrival) => arrival.end > index)!.at;
  const prompts: string[] = [];
  // The person answers each prompt in turn: out, or in again. A prompt redrawn
  // by its countdown is still the same prompt: requests alternate.
  let acting = Promise.resolve();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    seen += chunk;
    arrivals.push({ end: seen.length, at: performance.now() });
    const requests = [...seen.matchAll(PROMPT)].map((match) => match[1]!).filter((request, i, all) => request !== all[i - 1]);
    for (const request of requests.slice(prompts.length)) {
      prompts.push(request);
      const first = prompts.length === 1;
      acting = acting
        // The person takes a couple of seconds to the first prompt: the countdown moves meanwhile.
        .then(() => (first ? sleep(3200) : undefined))
        .then(() =>
          request.startsWith('Take')
            ? removeCard(card!).then(() => {
                card = undefined;
              })
            : insertCard().then((inserted) => {
                card = inserted;
              }),
        );
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  await acting;
  // What the terminal showed, one line per distinct redraw (spinner frames dropped).
  const shown = seen
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n')
    .split(/\r?\n/)
    .map((line) => line.replace(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\s*/, '').trim())
    .filter((line, i, all) => line && line !== all[i - 1])
    .join('\n')
    .slice(-3000);
  assert.equal(code, 0, shown);
  assert.deepEqual(prompts, ['Take the card out of', 'Put the card back into', 'Take the card out of', 'Put the card back into'], shown);
  // Each prompt's countdown: the figures it showed, in order, each once, with when the test saw it.
  const countdowns: { request: string; figures: { seconds: number; at: number }[] }[] = [];
  for (const match of seen.matchAll(PROMPT)) {
    const [request, seconds] = [match[1]!, Number(match[2])];
    if (countdowns.at(-1)?.request !== request) countdowns.push({ request, figures: [] });
    const { figures } = countdowns.at(-1)!;
    if (figures.at(-1)?.seconds !== seconds) figures.push({ seconds, at: arrivedAt(match.index!) });
  }
  // PROMPT takes whole seconds only. A busy machine may skip a figure (30, 28, 27), but each one is below the one before,
  // none is over the 30 s the person is given, and none is 0: every prompt ended, with the card changed, before its time ran out.
  assert.equal(countdowns.length, prompts.length, shown);
  for (const { request, figures } of countdowns) {
    const seconds = figures.map((figure) => figure.seconds);
    assert.ok(
      seconds.every((left, i) => left >= 1 && left <= 30 && (i === 0 || left < seconds[i - 1]!)),
      `${request}: ${seconds.join(', ')}\n${shown}`,
    );
  }
  // The first prompt waited over 3 s for the person: it started from the full 30 s and was redrawn lower at least twice,
  // never ahead of the clock (a figure lags when the machine is busy, it does not run early).
  const { figures } = countdowns[0]!;
  const seconds = figures.map((figure) => figure.seconds);
  assert.equal(seconds[0], 30, shown);
  assert.ok(seconds.length >= 3, `${seconds.join(', ')}\n${shown}`);
  for (const { seconds: left, at } of figures) {
    const elapsed = (at - figures[0]!.at) / 1000;
    assert.ok(left >= 30 - Math.ceil(elapsed) - 1, `${left} s left ${elapsed.toFixed(1)} s after 30: ${seconds.join(', ')}`);
  }
  const rows = jsonOutput(readFileSync(output, 'utf8')).rows as { scenario: { id: string }; verdict: string; observed: string }[];
  assert.deepEqual(
    rows.map((row) => `${row.scenario.id} ${row.verdict} ${row.observed}`),
    ['transmit-after-card-removed not-affected SCARD_W_REMOVED_CARD', 'transmit-after-card-reinserted not-affected SCARD_W_REMOVED_CARD'],
  );
  assert.equal((await readerStatus()).cardPresent, true);
});

test('Ctrl-C while sc-repro waits for the person ends the run at once, 130, with nothing left behind', async () => {
  const { env, marker } = markedEnv();
  const child = onTerminal(['repro', '--reader', VIRTUAL_READER, '--scenario', 'transmit-after-card-removed'], env);
  let seen = '';
  const prompted = new Promise<void>((resolve) =>
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      if (seen.match(PROMPT)) resolve();
    }),
  );
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await prompted;
  // What the terminal's Ctrl-C sends the foreground process.
  const cli = processesWithMarker(marker).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[1] === CLI);
  assert.ok(cli, 'the sc-repro process');
  const sent = performance.now();
  process.kill(cli, 'SIGINT');
  const code = await closed;
  clearTimeout(killer);
  assert.equal(code, 130);
  assert.ok(performance.now() - sent < 2000, `${Math.round(performance.now() - sent)} ms after Ctrl-C`);
  assert.deepEqual(processesWithMarker(marker), []);
  assert.equal((await readerStatus()).cardPresent, true);
});
