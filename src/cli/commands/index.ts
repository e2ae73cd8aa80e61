/**
 * The sub-commands of `labelscope`, one module each. A new command is one file in this folder
 * and one row here; `main.ts` only dispatches. Command names and flags are public contracts.
 */
import type { CliIo } from '../io';
import { checkCommand } from './check';
import { segmentCommand } from './segment';
import { agreeCommand } from './agree';
import { diffCommand } from './diff';
import { convertCommand } from './convert';
import { statsCommand } from './stats';
import { cardCommand } from './card';
import { evalCommand, evaluateCommand } from './evaluate';

export interface CliCommand {
  /** The word after `labelscope`. */
  name: string;
  /** One line for `labelscope --help`. */
  summary: string;
  /** Runs with the arguments after the command word; resolves to the exit status (0, 1, 2). */
  run(args: string[], io: CliIo): Promise<number>;
}

export const COMMANDS: CliCommand[] = [
  checkCommand,
  segmentCommand,
  agreeCommand,
  diffCommand,
  convertCommand,
  statsCommand,
  cardCommand,
  evaluateCommand,
  evalCommand,
];
