/**
 * For tests and benchmarks only: a paper-format CSV built from a real Borg 2011 `task_events` part, so
 * that the paper-compatible mode is checked on real data. Each SCHEDULE inside the window becomes one
 * line, ended by the same task's next EVICT/FAIL/FINISH/KILL/LOST event (or, when the part holds none,
 * by the part's last timestamp). Requested = used = the memory request (field 10, copied verbatim so
 * that every reader parses the same text; empty counts as 0). Column 2 holds the job ID.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { LineSplitter } from '../line-splitter.js';

/** The paper's replay window, trace seconds 6,480 to 10,080, in µs (end excluded). */
export const PAPER_WINDOW_US = { from: 6_480_000_000, to: 10_080_000_000 } as const;

const SCHEDULE = 1;
const FIRST_END_EVENT = 2;
const LAST_END_EVENT = 6;

export async function borgPaperCsv(
  taskEventsGz: string,
  window: { readonly from: number; readonly to: number } = PAPER_WINDOW_US,
): Promise<string> {
  const rows: { start: string; end: string; job: string; mem: string }[] = [];
  const open = new Map<string, number>(); // job:task -> row still waiting for its end
  let lastTime = '0';
  const onLine = (line: string): void => {
    if (line === '') return;
    const f = line.split(',');
    const time = f[0]!;
    const type = Number(f[5]);
    const key = `${f[2]}:${f[3]}`;
    lastTime = time;
    if (type === SCHEDULE) {
      const us = Number(time);
      if (us >= window.from && us < window.to) {
        open.set(key, rows.length);
        rows.push({
          start: time,
          end: '',
          job: f[2]!,
          mem: f[10] === '' || f[10] === undefined ? '0' : f[10],
        });
      }
    } else if (type >= FIRST_END_EVENT && type <= LAST_END_EVENT) {
      const row = open.get(key);
      if (row !== undefined) {
        rows[row]!.end = time;
        open.delete(key);
      }
    }
  };
  const splitter = new LineSplitter();
  const stream = createReadStream(taskEventsGz).pipe(createGunzip());
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) splitter.push(chunk, onLine);
  splitter.end(onLine);
  return rows
    .map((r) => `${r.start},${r.end === '' ? lastTime : r.end},${r.job},${r.mem},${r.mem}\n`)
    .join('');
}
