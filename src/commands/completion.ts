// `sc-repro completion <shell>`: the script that teaches a shell sc-repro's
// commands, options, scenario ids and share modes.
import { EXIT } from '../core/exit-codes.js';
import { completionScript, type CompletionShell, type CompletionSpec } from '../render/completion.js';

export function completionCommand(options: { shell: CompletionShell; spec: CompletionSpec }): number {
  process.stdout.write(completionScript(options.shell, options.spec));
  return EXIT.ok;
}
