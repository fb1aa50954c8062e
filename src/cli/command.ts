/** A subcommand of `sgx-orchestrator`. Each lives in its own file under cli/commands/. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full help text printed by `sgx-orchestrator <name> --help`. */
  readonly help: string;
  /** Subcommands with their own help (`trace stats --help`), by name. */
  readonly subcommands?: Readonly<Record<string, string>>;
  /** Runs the command; resolves to the exit status. Throws `CliError` for user-facing failures. */
  run(argv: readonly string[]): Promise<number>;
}
