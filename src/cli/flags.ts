/** Parsing of flag values that several commands share. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { LogLevel } from '../k8s/client/log.js';
import { CliError } from './errors.js';

/** How a command turns a bad flag into an error (some add a pointer to their --help). */
export type UsageError = (message: string) => CliError;

export const plainUsage: UsageError = (message) => new CliError('usage', message);

/** `host:port` or `[ipv6]:port`; an empty host means all interfaces (0.0.0.0). */
export function parseHostPort(
  flag: string,
  text: string,
  example: string,
  usage: UsageError,
): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535)
    throw usage(`${flag} ${text}: expected host:port, e.g. ${example} or 127.0.0.1:0`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export function positiveInt(flag: string, text: string, usage: UsageError): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw usage(`${flag} ${text}: expected a positive integer`);
  return n;
}

/** `--log-level <level>`: debug, info, warn or error. */
export function parseLogLevel(text: string, usage: UsageError): LogLevel {
  if (text !== 'debug' && text !== 'info' && text !== 'warn' && text !== 'error')
    throw usage(`--log-level ${text}: expected debug, info, warn or error`);
  return text;
}

/** `--seed <n>`: any safe integer. */
export function parseSeed(text: string, usage: UsageError): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw usage(`--seed ${text}: expected an integer`);
  return seed;
}

/** Adds the pointer to the command's --help to the message. */
export function usageWithHint(command: string): UsageError {
  return (message) =>
    new CliError('usage', `${message}\nRun \`sgx-orchestrator ${command} --help\` for the options.`);
}

/** Adds the whole help text to the message. */
export function usageWithHelp(help: string): UsageError {
  return (message) => new CliError('usage', `${message}\n\n${help}`);
}

/** `500ms`, `15s`, `2m` or plain seconds, in milliseconds; `examples` go into the message. */
export function parseDuration(
  flag: string,
  text: string,
  usage: UsageError,
  examples = '500ms, 15s or 2m',
): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  const ms = m === null ? NaN : Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  if (!(ms > 0)) throw usage(`${flag} ${text}: expected a duration such as ${examples}`);
  return ms;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: P }>
>;

/** Strict parsing of `argv`: an unknown flag or a missing value is a usage error. */
export function parseFlags<O extends Options, P extends boolean = false>(
  argv: readonly string[],
  options: O,
  usage: UsageError,
  allowPositionals?: P,
): Parsed<O, P> {
  try {
    return parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: P }>({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: allowPositionals ?? (false as P),
    });
  } catch (err) {
    throw usage(err instanceof Error ? err.message : String(err));
  }
}
