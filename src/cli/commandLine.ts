/**
 * The one command-line parser of every `labelscope` sub-command: node:util's declarative
 * `parseArgs` config (each command lists its options), plus what they all do alike: a wrong
 * line prints the error and the command's usage on stderr (exit 2), `--version` prints the
 * version and `--help` the usage on stdout (exit 0).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VERSION, type CliIo } from './io';

/**
 * Parses `config.args`; the parsed values, or the exit status when the command is done
 * (help or version shown, or the line was wrong). `prefix` starts the error line
 * (`labelscope` or `labelscope <command>`, as each command always printed it).
 */
export function parseCommandLine<T extends ParseArgsConfig>(io: CliIo, usage: string, prefix: string, config: T): ReturnType<typeof parseArgs<T>> | number {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (e) {
    io.stderr(`${prefix}: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const flags = parsed.values as Record<string, unknown>;
  if (flags.version === true) { io.stdout(`${VERSION}\n`); return 0; }
  if (flags.help === true) { io.stdout(usage); return 0; }
  return parsed;
}
