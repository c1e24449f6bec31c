import { withContext } from '../roles/session.js';
import { renderReaders } from '../render/readers-text.js';
import { EXIT } from '../cli/exit-codes.js';
import { EnvironmentError } from '../cli/errors.js';
import { hint } from '../platform/hints.js';

export async function readersCommand(options: { json: boolean }): Promise<number> {
  const statuses = await withContext(async (context) => Promise.all(context.readers().map((name) => context.status(name))));
  if (statuses.length === 0) throw new EnvironmentError('no smart-card reader found', hint('noReader'));
  if (options.json) {
    const readers = statuses.map((status, index) => ({ index, ...status }));
    process.stdout.write(`${JSON.stringify({ ok: true, readers })}\n`);
  } else {
    process.stdout.write(renderReaders(statuses));
  }
  return EXIT.ok;
}
