#!/usr/bin/env node
/**
 * `labelscope <command> …`: the extension's engines, headless. Each sub-command lives in
 * `commands/`; this file only dispatches. Exit codes: 0 fine, 1 problems found (errors), 2 the
 * input could not be read or the command line is wrong.
 */
import { COMMANDS } from './commands';
import { CHECK_USAGE } from './commands/check';
import { VERSION, defaultIo, type CliIo } from './io';

export type { CliIo } from './io';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: labelscope <command> [options]

Commands:
${rows}

Run \`labelscope <command> --help\` for a command's options.

${CHECK_USAGE}`;
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) { io.stderr(usage()); return 2; }
  if (first === '-h' || first === '--help' || first === 'help') { io.stdout(usage()); return 0; }
  if (first === '-v' || first === '--version') { io.stdout(`${VERSION}\n`); return 0; }
  const command = COMMANDS.find((c) => c.name === first);
  if (command) return command.run(rest, io);
  // Options before the command word (`labelscope --format json check f.json`) worked before
  // sub-commands existed: hand such a line to check, whose parser finds its command word itself.
  if (first.startsWith('-') && argv.includes('check')) {
    const i = argv.indexOf('check');
    return COMMANDS[0].run([...argv.slice(0, i), ...argv.slice(i + 1)], io);
  }
  io.stderr(`labelscope: unknown command "${first}"\n\n${usage()}`);
  return 2;
}

if (require.main === module) {
  // A closed pipe (`labelscope check … | head`) is the reader's choice, not an error to report.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`labelscope: internal error: ${(e as Error)?.stack ?? e}\n`); process.exitCode = 2; },
  );
}
