/**
 * The one error class of the command line. Every failure that reaches the user carries a code, which
 * `main` maps to an exit status, and a message that says what happened and what to do.
 */
export type CliErrorCode =
  | 'usage' // bad flags or arguments: exit 2
  | 'input' // bad input file or data: exit 3
  | 'config' // bad configuration file: exit 3
  | 'unavailable' // a service (API server, Prometheus, kubelet) cannot be reached: exit 4
  | 'internal'; // a bug: exit 70

export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}

export const EXIT_CODES: Record<CliErrorCode, number> = {
  usage: 2,
  input: 3,
  config: 3,
  unavailable: 4,
  internal: 70,
};
