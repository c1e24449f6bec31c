// The process entry of a role: `node dist/roles/entry.cjs holder|contender`,
// started by the orchestrator with an IPC channel. It loads what a role needs
// and nothing of the CLI, and says everything over the channel, failures
// included: its stdout and stderr go nowhere.
import { reportFor } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { parentChannel } from './channel.js';
import { ROLE_NAMES } from './protocol.js';
import { serveRole } from './serve.js';

async function main(): Promise<void> {
  const role = ROLE_NAMES.find((name) => name === process.argv[2]);
  const channel = parentChannel();
  if (!role || !channel) {
    process.stderr.write(`usage: node ${process.argv[1]} ${ROLE_NAMES.join('|')}, started by sc-repro with an IPC channel\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  const fail = (error: unknown) => {
    channel.send({ type: 'stopping', error: reportFor(error), exitCode: EXIT.failed });
    channel.close();
    process.exitCode = EXIT.failed;
  };
  process.on('uncaughtException', fail);
  try {
    process.exitCode = await serveRole(role, channel);
    channel.close();
  } catch (error) {
    fail(error);
  }
}

void main();
