/** Parsing of flag values that several commands share. */
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

/** `--seed <n>`: any safe integer. */
export function parseSeed(text: string, usage: UsageError): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw usage(`--seed ${text}: expected an integer`);
  return seed;
}
