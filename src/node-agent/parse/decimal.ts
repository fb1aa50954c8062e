import { malformed, parsed, type Parsed } from './results.js';

/**
 * A non-negative decimal integer as sysfs prints it (`sysfs_emit("%lu\n")`): digits, optionally
 * followed by one newline. Anything else, or a value beyond 2^53, is malformed rather than guessed.
 */
export function parseSysfsInteger(text: string): Parsed<number> {
  const trimmed = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (!/^[0-9]+$/.test(trimmed)) {
    return malformed(`expected a decimal integer, found ${JSON.stringify(clip(text))}`);
  }
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) return malformed(`integer ${clip(trimmed)} is too large`);
  return parsed(value);
}

/** Shortens file contents quoted in messages. */
export function clip(text: string, max = 60): string {
  return text.length <= max ? text : text.slice(0, max) + '...';
}
