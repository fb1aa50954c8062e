/** Flags of the paper-compatible mode, parsed without a library so that errors say exactly what is wrong. */

export const DEFAULT_EPC_MIB = 128;
/** Above this, `MiB * 1048576 * 3` would leave the range where doubles hold integers exactly. */
export const MAX_EPC_MIB = 1_048_576;

export const PAPER_COMPAT_HELP = `Usage: sgx-orchestrator simulate --paper-compat [--epc-mib N] [--skip N] <paper.csv>

Replays a trace exactly as the offline simulator of Vaucher et al. (ICDCS 2018) does, byte for byte on
stdout, so that results can be checked against theirs: two SGX nodes (sgx-1, sgx-2), binpack by node
name, a job admitted where usage + requested pages < 80 % of the usable EPC and charged its used pages,
one step per simulated second. Each stdout line is \`minutes,pending requested bytes\` for one second.

Input: the paper's CSV, no header, one job a line: start (µs), end (µs), an ignored column, requested
and used memory as fractions of a machine (pages = ceil(fraction * 23936), whatever the EPC size).
A path ending in .gz is decompressed; \`-\` reads stdin.

Options:
  --epc-mib N   EPC size in MiB, 1 to ${MAX_EPC_MIB} (default ${DEFAULT_EPC_MIB}). Usable pages =
                (N * 1048576 * 3/4 - 2621440) / 4096: 23936 for 128, 11648 for 64, 48512 for 256.
  --skip N      keep one line in N: line i (from 0) is kept when i mod N = 0 (default 1, every line)
  -h, --help    show this text

stderr starts with \`<N> MiB -> <usable pages> pages\`, then one \`Job cannot fit in EPC, skipped\` per
kept job larger than the usable EPC; jobs with 0 requested or used pages are dropped silently.
When jobs are left that can never be placed (nothing left to arrive or finish), the original loops
forever printing the same line; this mode stops after the first such second and says so on stderr.

Exit status: 0 done (also when the reader of stdout stops early, like head), 1 stdout could not be
written, 2 bad flags, 3 unreadable input (the message names the file, line and field).
`;

export type PaperCompatArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly epcMib: number; readonly skip: number; readonly path: string }
  | { readonly kind: 'error'; readonly message: string };

function positiveInt(flag: string, text: string | undefined, max: number): number | string {
  if (text === undefined) return `${flag} needs a value`;
  if (!/^\d+$/.test(text)) return `${flag} expects a whole number, got '${text}'`;
  const value = Number(text);
  if (value < 1 || value > max) return `${flag} must be between 1 and ${max}, got ${text}`;
  return value;
}

export function parsePaperCompatArgs(argv: readonly string[]): PaperCompatArgs {
  let epcMib = DEFAULT_EPC_MIB;
  let skip = 1;
  const paths: string[] = [];
  let flagsDone = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (flagsDone || arg === '-' || !arg.startsWith('-')) {
      paths.push(arg);
      continue;
    }
    if (arg === '--') {
      flagsDone = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    // The simulate command may pass its own switch through.
    if (arg === '--paper-compat') continue;
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (flag !== '--epc-mib' && flag !== '--skip') {
      return { kind: 'error', message: `unknown option '${arg}' (expected --epc-mib N, --skip N or --help)` };
    }
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    const parsed =
      flag === '--epc-mib' ? positiveInt(flag, value, MAX_EPC_MIB) : positiveInt(flag, value, 2 ** 31 - 1);
    if (typeof parsed === 'string') return { kind: 'error', message: parsed };
    if (flag === '--epc-mib') epcMib = parsed;
    else skip = parsed;
  }
  if (paths.length !== 1) {
    return {
      kind: 'error',
      message:
        paths.length === 0
          ? 'missing the trace CSV: give the path of a paper-format CSV (or - for stdin)'
          : `expected one trace CSV, got ${paths.length}: ${paths.join(' ')}`,
    };
  }
  return { kind: 'run', epcMib, skip, path: paths[0]! };
}

/** The authors' usable EPC pages: a float (Python 3 true division), integral for every whole MiB. */
export function usablePages(epcMib: number): number {
  return ((epcMib * 1048576 * 3) / 4 - 2621440) / 4096;
}
