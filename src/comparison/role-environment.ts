// A report names the role environment only in its command line: the
// `--holder-env` and `--contender-env` assignments (an LD_PRELOAD interposer,
// another PC/SC library for one role). They are read back from that line,
// which sc-repro quoted for the shell of the platform it ran on (shellQuote in
// orchestrator/report.ts): bare words, '…' (with '\'' in a POSIX shell, ''
// in PowerShell), $'…' escapes in a POSIX shell, "…" with backtick escapes
// and $([char]0x…) in PowerShell.

export type QuotingShell = 'posix' | 'powershell';

const POSIX_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'" };
const POWERSHELL_ESCAPES: Readonly<Record<string, string>> = { '0': '\0', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
/** PowerShell 5.1 ends a single-quoted string at any of these, as at ' (about_Quoting_Rules). */
const POWERSHELL_SINGLE = /['\u2018-\u201b]/;
const POWERSHELL_DOUBLE = /["\u201c-\u201e]/;

/** The words of a command line as the shell would pass them. A quote left open ends the line's last word. */
export function shellWords(line: string, shell: QuotingShell): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let at = 0;
  const take = (text: string) => {
    word = (word ?? '') + text;
  };
  while (at < line.length) {
    const c = line[at]!;
    if (c === ' ' || c === '\t') {
      if (word !== null) words.push(word);
      word = null;
      at++;
    } else if (shell === 'posix' && c === '$' && line[at + 1] === "'") {
      at += 2;
      let value = '';
      while (at < line.length && line[at] !== "'") {
        if (line[at] === '\\') {
          const next = line[at + 1] ?? '';
          const unicode = /^u([0-9a-fA-F]{4})/.exec(line.slice(at + 1));
          if (unicode) {
            value += String.fromCharCode(Number.parseInt(unicode[1]!, 16));
            at += 6;
          } else {
            value += POSIX_ESCAPES[next] ?? `\\${next}`;
            at += 2;
          }
        } else value += line[at++];
      }
      take(value);
      at++;
    } else if (shell === 'posix' && c === "'") {
      const end = line.indexOf("'", at + 1);
      take(line.slice(at + 1, end === -1 ? undefined : end));
      at = end === -1 ? line.length : end + 1;
    } else if (shell === 'posix' && c === '\\') {
      take(line[at + 1] ?? '');
      at += 2;
    } else if (shell === 'powershell' && POWERSHELL_SINGLE.test(c)) {
      let value = '';
      at++;
      while (at < line.length) {
        if (POWERSHELL_SINGLE.test(line[at]!)) {
          if (POWERSHELL_SINGLE.test(line[at + 1] ?? '')) {
            value += line[at];
            at += 2;
            continue;
          }
          break;
        }
        value += line[at++];
      }
      take(value);
      at++;
    } else if (shell === 'powershell' && POWERSHELL_DOUBLE.test(c)) {
      let value = '';
      at++;
      while (at < line.length && !POWERSHELL_DOUBLE.test(line[at]!)) {
        const char = /^\$\(\[char\]0x([0-9a-fA-F]{1,4})\)/.exec(line.slice(at));
        if (line[at] === '`') {
          const next = line[at + 1] ?? '';
          value += POWERSHELL_ESCAPES[next] ?? next;
          at += 2;
        } else if (char) {
          value += String.fromCharCode(Number.parseInt(char[1]!, 16));
          at += char[0].length;
        } else value += line[at++];
      }
      take(value);
      at++;
    } else {
      take(c);
      at++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

const ROLE_OPTIONS = { '--holder-env': 'holder', '--contender-env': 'contender' } as const;

/** `holder KEY=VALUE` and `contender KEY=VALUE`, in the order the command line gave them; only words before `--` are options. */
export function roleEnvironment(commandLine: string, shell: QuotingShell): string[] {
  const words = shellWords(commandLine, shell);
  const end = words.indexOf('--');
  const options = end === -1 ? words : words.slice(0, end);
  const found: string[] = [];
  options.forEach((word, index) => {
    const [flag, inline] =
      word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, null];
    const role = ROLE_OPTIONS[flag as keyof typeof ROLE_OPTIONS];
    if (!role) return;
    const value = inline ?? options[index + 1];
    if (value !== undefined) found.push(`${role} ${value}`);
  });
  return found;
}
