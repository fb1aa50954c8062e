import type { Command } from '../command.js';

/**
 * Every subcommand, in the order `--help` lists them. Commands are loaded lazily so that
 * `sgx-orchestrator --help` does not pay for the Kubernetes client or the simulator.
 */
export const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [];
