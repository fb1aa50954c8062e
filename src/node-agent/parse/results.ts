/** The result of parsing one kernel file: a value, or what was wrong with it. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function parsed<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function malformed<T>(error: string): Parsed<T> {
  return { ok: false, error };
}
