import { readFileSync } from 'node:fs';
import { COMMANDS } from './commands/index.js';
import { CliError, EXIT_CODES } from './errors.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 8);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'sgx-orchestrator: SGX-aware container orchestration for heterogeneous Kubernetes clusters',
    '',
    'Usage: sgx-orchestrator <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `sgx-orchestrator <command> --help` for the options of a command.',
    'Quick start: `npx sgx-orchestrator simulate` replays the bundled Borg hour on the paper cluster.',
  ].join('\n');
}

/**
 * `--flag -1` written `--flag=-1`: the argument parser takes a value that starts with '-' for an
 * option and refuses the flag as missing its value ("argument is ambiguous"); a negative number is
 * meant as the flag's value (and then checked, with a message that gives the flag's range).
 */
function joinNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a.startsWith('--') && !a.includes('=') && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Runs the CLI and resolves to the process exit status. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...others] = argv;
  // `help <command> [<subcommand>]` is `<command> [<subcommand>] --help`.
  if (first === 'help' && others.length > 0) return main([...others, '--help']);
  const name = first;
  const rest = joinNegativeValues(others);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    process.stderr.write(`sgx-orchestrator: unknown command '${name}'\n\n${usage()}\n`);
    return EXIT_CODES.usage;
  }
  // Messages name the subcommand too (`sgx-orchestrator trace export: ...`).
  let said = name;
  try {
    const command = await entry.load(rest);
    const sub = rest[0] !== undefined ? command.subcommands?.[rest[0]] : undefined;
    if (sub !== undefined) said = `${name} ${rest[0]!}`;
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write((sub ?? command.help).trimEnd() + '\n');
      return 0;
    }
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`sgx-orchestrator ${said}: ${err.message}\n`);
      return EXIT_CODES[err.code];
    }
    process.stderr.write(
      `sgx-orchestrator ${said}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT_CODES.internal;
  }
}
