// A usage error says where the usage is explained, on its own line: the rule
// that an error is one line holds for a --json caller and a log alike.
export function withHelpPointer(message: string, command?: string | null): string {
  return `${message}; see \`sc-repro ${command ? `${command} ` : ''}--help\``;
}
