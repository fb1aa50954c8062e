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

/** Runs the CLI and resolves to the process exit status. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
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
  try {
    const command = await entry.load(rest);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(command.help.trimEnd() + '\n');
      return 0;
    }
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`sgx-orchestrator ${name}: ${err.message}\n`);
      return EXIT_CODES[err.code];
    }
    process.stderr.write(
      `sgx-orchestrator ${name}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT_CODES.internal;
  }
}
