// One chalk instance per stream, so colour follows the stream it is written to
// and honours NO_COLOR (https://no-color.org: present and not empty), which chalk
// alone does not, and TERM=dumb, a terminal that takes no escape sequence at all.
import { Chalk, supportsColor, supportsColorStderr } from 'chalk';

const noColor = () => ('NO_COLOR' in process.env && process.env.NO_COLOR !== '') || dumbTerminal();

/** TERM=dumb (an editor's shell buffer, a serial console): plain lines, no colour, no cursor control. */
export function dumbTerminal(): boolean {
  return process.env.TERM === 'dumb';
}

export const out = new Chalk({ level: noColor() || !supportsColor ? 0 : supportsColor.level });
export const err = new Chalk({ level: noColor() || !supportsColorStderr ? 0 : supportsColorStderr.level });

/** --no-color: the same as NO_COLOR, decided after the streams' instances exist. */
export function disableColor(): void {
  out.level = 0;
  err.level = 0;
  // Role processes read the variable.
  process.env.NO_COLOR = '1';
}
