/**
 * Structured logs for the Kubernetes components: one JSON object per line on stderr, with a level,
 * a message and fields (`{"time":"…","level":"info","msg":"bound pod","pod":"default/p","node":"n1"}`).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type Logger = (level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

export function jsonLogger(
  write: (line: string) => void,
  opts: { minLevel?: LogLevel; component?: string; now?: () => Date } = {},
): Logger {
  const min = ORDER[opts.minLevel ?? 'info'];
  const now = opts.now ?? (() => new Date());
  const base = opts.component === undefined ? {} : { component: opts.component };
  return (level, message, fields) => {
    if (ORDER[level] < min) return;
    write(JSON.stringify({ time: now().toISOString(), level, msg: message, ...base, ...fields }) + '\n');
  };
}

export const silentLogger: Logger = () => undefined;

/** A logger that keeps lines in memory (tests). */
export function memoryLogger(): Logger & {
  readonly lines: { level: LogLevel; msg: string; fields: Readonly<Record<string, unknown>> }[];
} {
  const lines: { level: LogLevel; msg: string; fields: Readonly<Record<string, unknown>> }[] = [];
  const log = ((level: LogLevel, msg: string, fields: Readonly<Record<string, unknown>> = {}) => {
    lines.push({ level, msg, fields });
  }) as Logger & { lines: typeof lines };
  log.lines = lines;
  return log;
}

/** The message of an unknown thrown value, with the HTTP code of an ApiException when there is one. */
export function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && 'body' in err) {
    const code = (err as { code: unknown }).code;
    const body = (err as { body: unknown }).body;
    let msg = '';
    try {
      const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
      if (typeof parsed === 'object' && parsed !== null && 'message' in parsed)
        msg = String((parsed as { message: unknown }).message);
    } catch {
      msg = String(body).slice(0, 200);
    }
    return `HTTP ${String(code)}${msg === '' ? '' : `: ${msg}`}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The HTTP status of an error thrown by client-node (ApiException.code, or Watch's statusCode). */
export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}
