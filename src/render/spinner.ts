// A spinner on stderr, only on a real terminal; elsewhere a no-op so pipes and
// CI logs stay clean. ora is imported only when it will be shown.
export interface Spinner {
  update(text: string): void;
  stop(): void;
  /** False where nothing is drawn (pipes, CI logs). */
  readonly spinning: boolean;
}

const silent: Spinner = { update() {}, stop() {}, spinning: false };

/** A pseudo-terminal with no width (some CI runners, `script`) sends ora into an endless redraw. */
export function canSpin(stream: NodeJS.WriteStream = process.stderr): boolean {
  return !!stream.isTTY && (stream.columns ?? 0) > 0 && !process.env.CI;
}

export async function startProgress(text: string): Promise<Spinner> {
  if (!canSpin()) return silent;
  const { default: ora } = await import('ora');
  // canSpin decided: ora's own check (is-interactive) differs on an empty CI variable.
  const spinner = ora({ text, stream: process.stderr, isEnabled: true }).start();
  return {
    update: (next) => (spinner.text = next),
    stop: () => spinner.isSpinning && spinner.stop(),
    get spinning() {
      return spinner.isSpinning;
    },
  };
}
