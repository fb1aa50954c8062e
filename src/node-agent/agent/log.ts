export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Structured log: one event with fields. The agent's parts take this type; the command line passes
 * its JSON-lines logger (any logger that accepts these levels fits), tests collect the events.
 */
export type Logger = (level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;
