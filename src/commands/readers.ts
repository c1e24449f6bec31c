import { EnvironmentError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { hint } from '../platform/hints.js';
import { withContext } from '../roles/session.js';
import { renderReaders } from '../render/readers-text.js';
import { renderJson } from '../render/json.js';

export async function readersCommand(options: { json: boolean }): Promise<number> {
  const statuses = await withContext(async (context) => Promise.all((await context.listReaders()).map((name) => context.status(name))));
  if (statuses.length === 0) throw new EnvironmentError('no smart-card reader found', hint('noReader'));
  process.stdout.write(
    options.json
      ? renderJson('readers', EXIT.ok, { readers: statuses.map((status, index) => ({ index, ...status })) })
      : renderReaders(statuses),
  );
  return EXIT.ok;
}
