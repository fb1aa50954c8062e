export type LogLevel = 'info' | 'warn' | 'error';

/** Structured log: one line per event, with fields (JSON lines in the agent, collected in tests). */
export type Logger = (level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

/** Writes JSON lines to a stream (stderr in the agent), one object per event. */
export function jsonLineLogger(write: (line: string) => void, now: () => Date = () => new Date()): Logger {
  return (level, message, fields) => {
    write(JSON.stringify({ time: now().toISOString(), level, msg: message, ...fields }) + '\n');
  };
}

export const silentLogger: Logger = () => undefined;
