// Whether what a third party sees on the reader is the roles' own doing. A
// hold that nobody in the run made (GnuPG's scdaemon and browsers keep
// readers open in shared mode; another program may grab a free reader) would
// otherwise be taken for the stack's answer.
import type { ReaderStateFlag, ShareMode } from '../pcsc/constants.js';
import type { Step } from '../scenarios/types.js';

/** The mark a share mode leaves on the reader state, as a third party sees it. */
export const HELD_FLAG = { exclusive: 'EXCLUSIVE', shared: 'INUSE', direct: 'INUSE' } as const;

/** The handles the roles have open on the reader at one moment of a run. */
export interface RoleHandles {
  holder: ShareMode | null;
  contender: ShareMode | null;
}

export const NO_HANDLES: RoleHandles = { holder: null, contender: null };

/** The share mode of the handle a role still has after `steps`, or null when it has none. */
export function handleAfter(steps: readonly Step[]): ShareMode | null {
  let mode: ShareMode | null = null;
  for (const step of steps) {
    if (step.call === 'SCardConnect') mode = step.mode;
    else if (step.call === 'SCardDisconnect') mode = null;
  }
  return mode;
}

/**
 * The mark on the reader that the roles' handles do not explain, or null.
 * Only what shows can be accounted for: another process's shared handle
 * beside a role's own shared one leaves the same INUSE, and a stack that
 * shows no share mode at all hides every hold.
 */
export function unexplainedMark(flags: readonly ReaderStateFlag[], handles: RoleHandles): 'EXCLUSIVE' | 'INUSE' | null {
  const modes = [handles.holder, handles.contender].filter((mode): mode is ShareMode => mode !== null);
  if (flags.includes('EXCLUSIVE') && !modes.includes('exclusive')) return 'EXCLUSIVE';
  if (flags.includes('INUSE') && modes.length === 0) return 'INUSE';
  return null;
}

/**
 * Whether a mark may still be one of the handles the roles have just closed,
 * which the reader state can take a moment to drop. Any other mark is
 * another process's at once: EXCLUSIVE right after a contender was refused
 * its exclusive connect is the handle that refused it.
 */
export function mayBeClosedHandle(mark: 'EXCLUSIVE' | 'INUSE', closed: readonly ShareMode[]): boolean {
  return mark === 'EXCLUSIVE' ? closed.includes('exclusive') : closed.length > 0;
}
