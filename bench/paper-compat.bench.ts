// Paper-compatible mode on the paper's hour of real Borg data (trace seconds 6,480 to 10,080, all
// 17,937 placements), EPC 128 MiB: time for every job, every 5th and every 20th, and the naive
// rescanning reference (TypeScript, and Python when python3 is installed) on every 20th for comparison.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runPaperCompat } from '../src/sim/paper-compat/index.js';
import type { PaperCompatIo } from '../src/sim/paper-compat/index.js';
import { borgPaperCsv } from '../src/sim/paper-compat/testing/borg-paper-csv.js';
import { naivePaperCompat } from '../src/sim/paper-compat/testing/naive-reference.js';
import { repoPath, SHARED_TRACES } from '../src/testing/paths.js';
import { makeTempDir } from '../src/testing/temp-dir.js';

const part = join(SHARED_TRACES, 'task_events', 'part-00001-of-00500.csv.gz');
const t0 = performance.now();
const csv = await borgPaperCsv(part);
const path = join(makeTempDir('paper-compat-bench-'), 'paper-hour.csv');
writeFileSync(path, csv);
console.log(
  `input: ${csv.split('\n').length - 1} placements of the paper hour from ${part}, ` +
    `built in ${(performance.now() - t0).toFixed(0)} ms`,
);

let outChars = 0;
const sink: PaperCompatIo = {
  stdout: { write: (chunk: string | Uint8Array) => void (outChars += chunk.length) },
  stderr: { write: () => undefined },
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
// Wall time depends on what else the machine runs; CPU time is what this process itself spent.
console.log('in process (read + simulate + format, output discarded), 128 MiB:');
for (const skip of [1, 5, 20]) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    outChars = 0;
    const c0 = process.cpuUsage();
    const start = performance.now();
    const code = await runPaperCompat(['--skip', String(skip), path], sink);
    wall.push(performance.now() - start);
    cpu.push(cpuMs(c0));
    if (code !== 0) throw new Error(`exit ${code}`);
  }
  console.log(
    `  --skip ${String(skip).padEnd(2)}  first run ${ms(wall[0]!)} wall / ${ms(cpu[0]!)} CPU; ` +
      `best of 5 ${ms(Math.min(...wall))} wall / ${ms(Math.min(...cpu))} CPU  (${outChars} output bytes)`,
  );
}

// Whole process as a user runs it: node start-up, module loading, reading the file, writing stdout.
const modUrl = pathToFileURL(repoPath('dist', 'src', 'sim', 'paper-compat', 'index.js')).href;
console.log('whole process running this module alone, stdout to /dev/null, 128 MiB:');
for (const skip of [1, 5, 20]) {
  const script =
    `const { runPaperCompat } = await import(${JSON.stringify(modUrl)});` +
    `process.exitCode = await runPaperCompat(['--skip', '${skip}', ${JSON.stringify(path)}], ` +
    `{ stdout: process.stdout, stderr: { write: () => true } });` +
    `const u = process.resourceUsage();` +
    `process.stderr.write(String((u.userCPUTime + u.systemCPUTime) / 1000));`;
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const wall = performance.now() - start;
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  console.log(`  --skip ${String(skip).padEnd(2)}  ${ms(wall)} wall / ${ms(Number(r.stderr))} CPU`);
}

// The same through the installed command, which also loads the `simulate` command's own modules.
console.log('sgx-orchestrator simulate --paper-compat, whole process, stdout to /dev/null, 128 MiB:');
for (const skip of [1, 20]) {
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    [repoPath('bin', 'sgx-orchestrator.js'), 'simulate', '--paper-compat', '--skip', String(skip), path],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  const wall = performance.now() - start;
  if (r.status !== 0) {
    console.log(
      `  --skip ${String(skip).padEnd(2)}  not measured: exit ${r.status}: ${r.stderr.slice(0, 200)}`,
    );
    continue;
  }
  console.log(`  --skip ${String(skip).padEnd(2)}  ${ms(wall)} wall`);
}

console.log('naive rescanning reference, --skip 20, 128 MiB:');
{
  const c0 = process.cpuUsage();
  const start = performance.now();
  naivePaperCompat(csv, 128, 20);
  console.log(`  TypeScript  ${ms(performance.now() - start)} wall / ${ms(cpuMs(c0))} CPU`);
}
const python = spawnSync('python3', ['--version']);
if (python.status === 0) {
  const ref = repoPath('src', 'sim', 'paper-compat', 'fixtures', 'reference.py');
  const start = performance.now();
  const r = spawnSync('python3', [ref, '--skip', '20', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(String(r.stderr));
  console.log(`  Python      ${ms(performance.now() - start)} (whole process)`);
} else {
  console.log('  Python      not run: python3 is not installed');
}
