// Shell completion scripts, written from a description of the program (which
// the CLI reads from commander itself) so that a new command, option or
// scenario completes without a list kept by hand. Each script finds the
// command among the words typed so far (skipping the values of the global
// options), then offers that command's options, or the values the option
// before the cursor takes, or the command's arguments.

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** What a value can be: one of a known list, or a file name. */
export type Completes = readonly string[] | 'files';

export interface CompletionOption {
  /** `-s` and `--scenario`: the short flag first when there is one. */
  flags: string[];
  description: string;
  takesValue: boolean;
  /** null: a value nobody can guess (seconds, a count); nothing is offered. */
  values: Completes | null;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  /** What the command's operands can be; null when it takes none that can be listed. */
  operands: Completes | null;
}

export interface CompletionSpec {
  program: string;
  description: string;
  /** The program's own options: accepted before the command and after it. */
  options: CompletionOption[];
  commands: CompletionCommand[];
}

// Every word a script offers goes into a word list that shells split on blanks.
const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9._+:/-]*$|^--?[A-Za-z0-9][A-Za-z0-9-]*$/;
function plain(words: readonly string[]): string[] {
  for (const word of words) if (!PLAIN_WORD.test(word)) throw new Error(`a completion word must be plain, got ${JSON.stringify(word)}`);
  return [...words];
}

const posix = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** fish: inside single quotes only \\ and \' are escapes. */
const fish = (text: string) => `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
/** PowerShell (5.1 too): U+2018–U+201B close a single-quoted string as ' does, and are doubled like it. */
const powershell = (text: string) => `'${text.replace(/['\u2018-\u201b]/g, (c) => c + c)}'`;

const functionName = (spec: CompletionSpec) => `_${spec.program.replace(/[^A-Za-z0-9]/g, '_')}`;
const valueOptions = (options: CompletionOption[]) => options.filter((option) => option.takesValue);
const words = (list: readonly string[]) => plain(list).join(' ');
const allFlags = (options: CompletionOption[]) => options.flatMap((option) => option.flags);
const commandOptions = (spec: CompletionSpec, command: CompletionCommand) => [
  ...command.options,
  ...spec.options.filter((option) => !command.options.some((own) => own.flags.some((flag) => option.flags.includes(flag)))),
];
const globalValueFlags = (spec: CompletionSpec) => allFlags(valueOptions(spec.options));

/**
 * The prologue bash and zsh share: find the command among the words before the
 * cursor (skipping the values of the global options), then answer the value of
 * a global option right before the cursor. The two shells differ only in the
 * array of words, where the command can start, and the cursor's index.
 */
function commandScan(
  spec: CompletionSpec,
  shell: { words: string; first: number; cursor: string },
  globalValueCases: readonly string[],
): string {
  return `  for ((i = ${shell.first}; i < ${shell.cursor}; i++)); do
    case \${${shell.words}[i]} in
      ${globalValueFlags(spec).join('|') || '--'}) ((i++)) ;;
      -*) ;;
      *) command=\${${shell.words}[i]}; break ;;
    esac
  done
  case $prev in
${globalValueCases.join('\n')}
  esac`;
}

function bash(spec: CompletionSpec): string {
  const name = functionName(spec);
  const reply = (values: Completes | null, indent: string) =>
    values === null
      ? `${indent}return ;;`
      : values === 'files'
        ? `${indent}COMPREPLY=($(compgen -f -- "$cur")); return ;;`
        : `${indent}COMPREPLY=($(compgen -W ${posix(words(values))} -- "$cur")); return ;;`;
  // Values nobody can guess (seconds, a count, a reader): one case that offers nothing.
  const valueCases = (options: CompletionOption[], indent: string) => {
    const unguessable = valueOptions(options)
      .filter((option) => option.values === null)
      .flatMap((option) => plain(option.flags));
    return [
      ...valueOptions(options)
        .filter((option) => option.values !== null)
        .map((option) => `${indent}${plain(option.flags).join('|')})\n${reply(option.values, `${indent}  `)}`),
      ...(unguessable.length ? [`${indent}${unguessable.join('|')})\n${reply(null, `${indent}  `)}`] : []),
    ];
  };
  const commandCases = spec.commands.map((command) => {
    const cases = valueCases(command.options, '        ');
    return [
      `    ${plain([command.name])[0]})`,
      ...(cases.length ? ['      case $prev in', ...cases, '      esac'] : []),
      `      options=${posix(words(allFlags(commandOptions(spec, command))))}`,
      command.operands === 'files' ? '      operands=files' : `      operands=${posix(words(command.operands ?? []))}`,
      '      ;;',
    ].join('\n');
  });
  return `# bash completion for ${spec.program}, written by \`${spec.program} completion bash\`.
# Now: source <(${spec.program} completion bash)
# For every new shell: ${spec.program} completion bash > ~/.local/share/bash-completion/completions/${spec.program}
${name}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} command= options= operands= i
  # --option=value: bash splits at '=', the option is the word before it.
  if [[ $prev == = && $COMP_CWORD -ge 2 ]]; then prev=\${COMP_WORDS[COMP_CWORD-2]}; fi
${commandScan(spec, { words: 'COMP_WORDS', first: 1, cursor: 'COMP_CWORD' }, valueCases(spec.options, '    '))}
  case $command in
    '')
      options=${posix(words(allFlags(spec.options)))}
      operands=${posix(words(spec.commands.map((command) => command.name)))}
      ;;
${commandCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ $operands == files ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$operands" -- "$cur"))
  fi
}
complete -F ${name} ${spec.program}
`;
}

function zsh(spec: CompletionSpec): string {
  const name = functionName(spec);
  const offer = (values: Completes | null, indent: string) =>
    values === null
      ? `${indent}return ;;`
      : values === 'files'
        ? `${indent}_files; return ;;`
        : `${indent}compadd -- ${words(values)}; return ;;`;
  const valueCases = (options: CompletionOption[], indent: string) =>
    valueOptions(options).map((option) => `${indent}${plain(option.flags).join('|')})\n${offer(option.values, `${indent}  `)}`);
  // _describe splits each entry at its first unescaped colon.
  const described = (entries: { name: string; description: string }[]) =>
    entries.map((entry) => posix(`${entry.name}:${entry.description.replace(/:/g, '\\:')}`)).join(' ');
  const commandCases = spec.commands.map((command) => {
    const cases = valueCases(command.options, '        ');
    const options = commandOptions(spec, command).flatMap((option) =>
      plain(option.flags).map((flag) => ({ name: flag, description: option.description })),
    );
    return [
      `    ${plain([command.name])[0]})`,
      ...(cases.length ? ['      case $prev in', ...cases, '      esac'] : []),
      `      options=(${described(options)})`,
      command.operands === 'files' ? '      operands=(files)' : `      operands=(${words(command.operands ?? [])})`,
      '      ;;',
    ].join('\n');
  });
  const globalOptions = spec.options.flatMap((option) =>
    plain(option.flags).map((flag) => ({ name: flag, description: option.description })),
  );
  return `#compdef ${spec.program}
# zsh completion for ${spec.program}, written by \`${spec.program} completion zsh\`.
# Now: source <(${spec.program} completion zsh)
# For every new shell: ${spec.program} completion zsh > "\${fpath[1]}/_${spec.program}" (a folder of $fpath, before compinit runs)
${name}() {
  local command= prev=\${words[CURRENT-1]} cur=\${words[CURRENT]} i
  local -a options operands
${commandScan(spec, { words: 'words', first: 2, cursor: 'CURRENT' }, valueCases(spec.options, '    '))}
  case $command in
    '')
      if [[ $cur == -* ]]; then
        options=(${described(globalOptions)})
        _describe -t options option options
      else
        operands=(${described(spec.commands)})
        _describe -t commands command operands
      fi
      return
      ;;
${commandCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    _describe -t options option options
  elif [[ \${operands[1]} == files ]]; then
    _files
  elif (( \${#operands} )); then
    compadd -- "\${operands[@]}"
  fi
}
if [[ "\${funcstack[1]}" == ${name} ]]; then
  ${name} "$@"
else
  compdef ${name} ${spec.program}
fi
`;
}

function fishScript(spec: CompletionSpec): string {
  const program = spec.program;
  const option = (condition: string | null, entry: CompletionOption) => {
    const flags = plain(entry.flags)
      .map((flag) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`))
      .join(' ');
    const value = !entry.takesValue
      ? ''
      : entry.values === 'files'
        ? ' -r -F'
        : entry.values === null
          ? ' -x'
          : ` -x -a ${fish(words(entry.values))}`;
    return `complete -c ${program}${condition ? ` -n ${fish(condition)}` : ''} ${flags}${value} -d ${fish(entry.description)}`;
  };
  const lines = [
    `# fish completion for ${program}, written by \`${program} completion fish\`.`,
    `# Now: ${program} completion fish | source`,
    `# For every new shell: ${program} completion fish > ~/.config/fish/completions/${program}.fish`,
    `complete -c ${program} -f`,
    ...spec.options.map((entry) => option(null, entry)),
    ...spec.commands.map(
      (command) => `complete -c ${program} -n __fish_use_subcommand -a ${plain([command.name])[0]} -d ${fish(command.description)}`,
    ),
    ...spec.commands.flatMap((command) => {
      const condition = `__fish_seen_subcommand_from ${command.name}`;
      const operands =
        command.operands === null
          ? []
          : [
              `complete -c ${program} -n ${fish(condition)}${command.operands === 'files' ? ' -F' : ` -a ${fish(words(command.operands))}`}`,
            ];
      return [...command.options.map((entry) => option(condition, entry)), ...operands];
    }),
  ];
  return `${lines.join('\n')}\n`;
}

function powershellScript(spec: CompletionSpec): string {
  const list = (values: readonly string[]) => `@(${plain(values).map(powershell).join(', ')})`;
  const completes = (values: Completes | null) => (values === null ? '$null' : values === 'files' ? `'files'` : list(values));
  const optionTable = (options: CompletionOption[]) =>
    `@{ ${options.flatMap((entry) => plain(entry.flags).map((flag) => `${powershell(flag)} = ${powershell(entry.description)}`)).join('; ')} }`;
  const valueTable = (options: CompletionOption[]) =>
    `@{ ${valueOptions(options)
      .flatMap((entry) => plain(entry.flags).map((flag) => `${powershell(flag)} = ${completes(entry.values)}`))
      .join('; ')} }`;
  const commands = spec.commands
    .map(
      (command) =>
        `  ${powershell(command.name)} = @{ Description = ${powershell(command.description)}; Options = ${optionTable(commandOptions(spec, command))}; Values = ${valueTable(command.options)}; Operands = ${completes(command.operands)} }`,
    )
    .join('\n');
  return `# PowerShell completion for ${spec.program} (Windows PowerShell 5.1 and PowerShell 7), written by \`${spec.program} completion powershell\`.
# Now: ${spec.program} completion powershell | Out-String | Invoke-Expression
# For every new session: ${spec.program} completion powershell >> $PROFILE
Register-ArgumentCompleter -Native -CommandName ${powershell(spec.program)} -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $globalOptions = ${optionTable(spec.options)}
  $globalValues = ${valueTable(spec.options)}
  $commands = [ordered]@{
${commands}
  }
  $typed = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '' -and $typed.Count -gt 1) { $typed = $typed[0..($typed.Count - 2)] }
  $command = $null
  for ($i = 1; $i -lt $typed.Count; $i++) {
    if ($globalValues.ContainsKey($typed[$i])) { $i++; continue }
    if ($typed[$i].StartsWith('-')) { continue }
    $command = $typed[$i]; break
  }
  $previous = if ($typed.Count -gt 1) { $typed[$typed.Count - 1] } else { '' }
  $entry = if ($command) { $commands[$command] } else { $null }
  $values = $null
  if ($globalValues.ContainsKey($previous)) { $values = $globalValues[$previous]; if ($null -eq $values) { return } }
  elseif ($entry -and $entry.Values.ContainsKey($previous)) { $values = $entry.Values[$previous]; if ($null -eq $values) { return } }
  $found = @()
  if ($values -eq 'files') { return }
  elseif ($values) { $found = @($values | ForEach-Object { @{ Text = $_; Tip = $_ } }) }
  elseif ($wordToComplete.StartsWith('-')) {
    $options = if ($entry) { $entry.Options } else { $globalOptions }
    $found = @($options.Keys | Sort-Object | ForEach-Object { @{ Text = $_; Tip = $options[$_] } })
  }
  elseif (-not $command) { $found = @($commands.Keys | ForEach-Object { @{ Text = $_; Tip = $commands[$_].Description } }) }
  elseif ($entry.Operands -eq 'files') { return }
  elseif ($entry.Operands) { $found = @($entry.Operands | ForEach-Object { @{ Text = $_; Tip = $_ } }) }
  $found | Where-Object { $_.Text -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_.Text, $_.Text, 'ParameterValue', $_.Tip)
  }
}
`;
}

export function completionScript(shell: CompletionShell, spec: CompletionSpec): string {
  switch (shell) {
    case 'bash':
      return bash(spec);
    case 'zsh':
      return zsh(spec);
    case 'fish':
      return fishScript(spec);
    case 'powershell':
      return powershellScript(spec);
  }
}
