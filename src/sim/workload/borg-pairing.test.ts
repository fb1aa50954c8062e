import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { EventBatch } from '../../trace/index.js';
import { fileBatches } from '../../trace/parallel/file-batches.js';
import type { FileBatchEvent } from '../../trace/parallel/file-batches.js';
import type { ArrivalSink } from '../run/stream.js';
import type { SimJob } from '../run/job.js';
import { BorgPairing, RecordWriter } from './borg-pairing.js';
import { PairedRecordReader, borgTaskStream } from './borg-stream.js';
import type { BorgStreamCounts } from './borg-stream.js';
import { STRIDE } from './paired-records.js';
import type { PairingOptions } from './paired-records.js';

/** A sink that logs every call and hands out handles in order. */
class LoggingSink implements ArrivalSink {
  readonly log: string[] = [];
  private next = 0;
  arrival(job: SimJob, awaitDuration: boolean): number {
    const h = this.next++;
    this.log.push(
      `A ${job.id} submit=${job.submit} sgx=${job.sgx} bytes=${job.requestBytes} cpu=${job.cpuMillis} await=${awaitDuration} -> ${h}`,
    );
    return h;
  }
  duration(handle: number, seconds: number): void {
    this.log.push(`D ${handle} ${seconds}`);
  }
}

/**
 * The reference: the rows read on this thread and applied one at a time, stopping before the first
 * row after `t` (rows at time 0 pass unchecked), each row's records read at once whatever their gate
 * (by the stream's own record reader: what is under test is when records are due, and the threads).
 * This is what the stream must be indistinguishable from, whatever the threads' pace.
 */
function referenceStream(files: readonly string[], o: PairingOptions) {
  const out = new RecordWriter();
  const pairing = new BorgPairing(o, out);
  const reader = new PairedRecordReader();
  const one = new EventBatch(undefined, 1);
  let originUs = -1;
  let fileIndex = 0;
  let events: AsyncGenerator<FileBatchEvent> | null = null;
  let batch: EventBatch | null = null;
  let at = 0;
  let ended = false;

  const deliver = (sink: ArrivalSink): void => {
    out.flush();
    for (const b of out.ready.splice(0)) {
      const r = new Float64Array(b.buffer);
      for (let i = 0; i < b.n; i++) reader.apply(r, i * STRIDE, sink);
    }
  };

  /** Copies row i of b into the one-row batch and pairs it. */
  const pairRow = (b: EventBatch, i: number): void => {
    for (let c = 0; c < 6; c++) {
      one.f64[c] = b.f64[c * b.rows + i]!;
      one.i32[c] = b.i32[c * b.rows + i]!;
    }
    one.n = 1;
    pairing.rows(one, files[fileIndex] ?? '');
  };

  return {
    counts: (): BorgStreamCounts => ({ ...reader.counts }),
    async advance(t: number, sink: ArrivalSink): Promise<boolean> {
      if (ended) return false;
      for (;;) {
        if (batch === null || at >= batch.n) {
          events ??=
            fileIndex < files.length
              ? fileBatches(files[fileIndex]!, {
                  strict: false,
                  window: null,
                  emptyBatch: () => new EventBatch(),
                })
              : null;
          if (events === null) {
            pairing.end();
            deliver(sink);
            ended = true;
            return false;
          }
          const r = await events.next();
          if (r.done === true || r.value.type === 'end') {
            if (r.done !== true && r.value.type === 'end') {
              pairing.fileEnd(r.value.rows, r.value.issues);
              deliver(sink);
            }
            events = null;
            fileIndex++;
            batch = null;
            continue;
          }
          batch = r.value.batch;
          at = 0;
          continue;
        }
        const timeUs = batch.f64[at]!;
        if (timeUs !== 0) {
          if (originUs < 0) originUs = timeUs;
          if ((timeUs - originUs) / 1e6 > t) return true;
        }
        pairRow(batch, at);
        deliver(sink);
        at++;
      }
    },
  };
}

const OPTIONS = {
  sgxShare: 0.5,
  seed: 7,
  epcBytesPerUnit: 23_936 * 4096,
  memoryBytesPerUnit: 32 * 2 ** 30,
  cpuMillisPerUnit: 1000,
};

/** A task_events line: time, job, task, event type, cpu and memory requests ('' for empty). */
function line(timeUs: number, job: number, task: number, type: number, cpu: string, memory: string): string {
  return `${timeUs},,${job},${task},${type === 0 ? '' : '5'},${type},u,0,0,${cpu},${memory},0,0`;
}

const rowArb = fc.record({
  // Steps of whole seconds (rows exactly at a target), of any microseconds, and backwards.
  dt: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 5 }).map((s) => s * 1_000_000),
    fc.integer({ min: 0, max: 5_000_000 }),
    fc.constant(-1_000_000),
  ),
  zero: fc.integer({ min: 0, max: 5 }),
  job: fc.integer({ min: 1, max: 6 }),
  task: fc.integer({ min: 0, max: 2 }),
  type: fc.oneof(fc.constantFrom(0, 0, 1, 1, 4, 5), fc.integer({ min: 0, max: 8 })),
  cpu: fc.constantFrom('', '0.1', '0.25'),
  memory: fc.constantFrom('', '0', '0.01', '0.02', '0.5'),
  bad: fc.integer({ min: 0, max: 30 }),
});

test('the threaded stream delivers what a reader applying rows one by one would, at the same moments', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'borg-pairing-'));
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 0, maxLength: 120 }),
        fc.array(fc.integer({ min: 0, max: 119 }), { maxLength: 3 }),
        fc.array(fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constant(Infinity)), {
          minLength: 1,
          maxLength: 12,
        }),
        async (rows, cuts, targets) => {
          // Rows in (mostly) time order, some at time 0, some malformed, cut into up to four files.
          let time = 600_000_000;
          const lines = rows.map((r) => {
            time = Math.max(1, time + r.dt);
            if (r.bad === 0) return 'not,a,task,event';
            return line(r.zero === 0 ? 0 : time, r.job, r.task, r.type, r.cpu, r.memory);
          });
          const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, lines.length)), lines.length])].sort(
            (a, b) => a - b,
          );
          const files: string[] = [];
          for (let f = 0; f + 1 < bounds.length || f === 0; f++) {
            const file = join(dir, `run${run}-part-${String(f).padStart(5, '0')}-of-00500.csv`);
            const part = lines.slice(bounds[f] ?? 0, bounds[f + 1] ?? lines.length);
            writeFileSync(file, part.length === 0 ? '' : part.join('\n') + '\n');
            files.push(file);
          }
          run++;
          const ts = [...targets].sort((a, b) => a - b);
          const reference = referenceStream(files, { ...OPTIONS, files });
          const threaded = borgTaskStream({ ...OPTIONS, files });
          const a = new LoggingSink();
          const b = new LoggingSink();
          // Each side runs until its first error (an empty file is one), which must be the same.
          const play = async (
            stream: { advance(t: number, sink: ArrivalSink): Promise<boolean>; counts(): BorgStreamCounts },
            sink: LoggingSink,
          ): Promise<void> => {
            try {
              for (const t of ts) {
                const more = await stream.advance(t, sink);
                sink.log.push(`advance(${t}) -> ${more} ${JSON.stringify(stream.counts())}`);
              }
            } catch (err) {
              sink.log.push(`${(err as Error).name}: ${(err as Error).message}`);
            }
          };
          try {
            await play(reference, a);
            await play(threaded, b);
          } finally {
            await threaded.close!();
          }
          assert.deepEqual(b.log, a.log);
        },
      ),
      {
        numRuns: 80,
        examples: [
          // Two rows at time 0 with a later row between them: they are due at different moments,
          // so their counts must not be merged into one record (advance(2) sees only the first).
          [
            [
              { dt: 0, zero: 1, job: 1, task: 0, type: 0, cpu: '0.1', memory: '0.01', bad: 1 },
              { dt: 0, zero: 0, job: 2, task: 0, type: 0, cpu: '0.1', memory: '0.01', bad: 1 },
              { dt: 5_000_000, zero: 1, job: 3, task: 0, type: 0, cpu: '0.1', memory: '0.01', bad: 1 },
              { dt: 0, zero: 0, job: 4, task: 0, type: 0, cpu: '0.1', memory: '0.01', bad: 1 },
            ],
            [],
            [2, Infinity],
          ],
        ],
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
