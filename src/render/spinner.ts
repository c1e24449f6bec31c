// A spinner on stderr, only on a real terminal; elsewhere a no-op so pipes and
// CI logs stay clean. ora is imported only when it will be shown. A terminal
// that takes no escape sequence (TERM=dumb) gets a plain line per state instead.
import { dumbTerminal, err } from './style.js';

export interface Spinner {
  update(text: string): void;
  stop(): void;
  /** False where nothing is redrawn (pipes, CI logs, a dumb terminal): a prompt is then a line of its own. */
  readonly spinning: boolean;
}

const silent: Spinner = { update() {}, stop() {}, spinning: false };

/** A pseudo-terminal with no width (some CI runners, `script`) sends ora into an endless redraw. */
export function canSpin(stream: NodeJS.WriteStream = process.stderr): boolean {
  return !!stream.isTTY && !dumbTerminal() && (stream.columns ?? 0) > 0 && !process.env.CI;
}

/**
 * What a redraw would show, as one line each time the state changes. A countdown
 * or a counter ("9 s left", "run 3/32") is one state however often it ticks: its
 * figures do not count as a change, or a 10 s hold would print forty lines.
 */
export function lineProgress(write: (line: string) => void): Spinner {
  let shown: string | undefined;
  let stopped = false;
  const state = (text: string) => text.replace(/\d+/g, '#');
  return {
    update(text) {
      if (stopped || (shown !== undefined && state(shown) === state(text))) return;
      shown = text;
      write(`${text}\n`);
    },
    stop: () => {
      stopped = true;
    },
    spinning: false,
  };
}

export async function startProgress(text: string): Promise<Spinner> {
  if (process.stderr.isTTY && dumbTerminal()) {
    const lines = lineProgress((line) => process.stderr.write(line));
    lines.update(text);
    return lines;
  }
  if (!canSpin()) return silent;
  const { default: ora } = await import('ora');
  // canSpin decided: ora's own check (is-interactive) differs on an empty CI variable.
  // ora colours its frames with a chalk of its own, which knows neither NO_COLOR nor --no-color: stderr's decides.
  const spinner = ora({ text, stream: process.stderr, isEnabled: true, color: err.level > 0 ? 'cyan' : false }).start();
  return {
    update: (next) => (spinner.text = next),
    stop: () => spinner.isSpinning && spinner.stop(),
    get spinning() {
      return spinner.isSpinning;
    },
  };
}
