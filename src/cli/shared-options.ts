// Options and operands that several commands take, built fresh for each
// command (commander keeps per-command state on an Option), and the parsers
// commander calls while parsing: a UsageError there still ends as exit 64.
import { Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { isShareMode, PROTOCOL_CHOICES, SHARE_MODES } from '../pcsc/constants.js';
import { SCENARIOS } from '../scenarios/catalog.js';
import type { Scenario } from '../scenarios/types.js';
import { parseChoice, parseId, parseReaderSelector, parseSeconds } from './options.js';

export const MODES = Object.keys(SHARE_MODES).filter(isShareMode);
export const SCENARIO_IDS = SCENARIOS.map(({ id }) => id);

export const seconds = (flag: string) => (value: string) => parseSeconds(flag, value);
export const mode = (value: string) => parseChoice('--mode', value, MODES);
export const protocol = (value: string) => parseChoice('--protocol', value, PROTOCOL_CHOICES);
export const reader = () =>
  new Option('-r, --reader <index|name>', 'reader index, or part of its name (case-insensitive)').argParser(parseReaderSelector);
export const scenario =
  (flag: string) =>
  (value: string): Scenario =>
    parseId(flag, value, SCENARIOS, 'sc-repro scenarios');
/** --only a,b or --only a --only b. */
export const scenarioList = (value: string, previous: Scenario[] | undefined): Scenario[] => {
  const ids = value.split(',').filter((id) => id.trim());
  if (ids.length === 0) throw new UsageError(`--only needs at least one scenario id, got '${value}'`);
  return [...(previous ?? []), ...ids.map(scenario('--only'))];
};
export const scenarioArgs = (value: string, previous: Scenario[] | undefined): Scenario[] => [
  ...(previous ?? []),
  scenario('scenarios')(value),
];
export const json = () => new Option('--json', 'print one JSON object on stdout');
export const waitCard = () =>
  new Option('--wait-card <seconds>', 'with no card in the reader, wait this long for one (default: fail at once)').argParser(
    seconds('--wait-card'),
  );

export const examples = (lines: string[]) => `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
