/**
 * `sgx-orchestrator simulate --paper-compat`: the authors' offline simulator, reproduced byte for
 * byte (docs/paper-compat.md). Loaded instead of `simulate.ts` when the flag is present, so that the
 * command starts as fast as the stepper itself runs.
 */
import { PAPER_COMPAT_HELP, runPaperCompat } from '../../sim/paper-compat/index.js';
import type { Command } from '../command.js';

export const command: Command = {
  name: 'simulate',
  summary: "reproduce the authors' offline simulation exactly (pending EPC over time)",
  help: PAPER_COMPAT_HELP,
  run: (argv) => runPaperCompat(argv),
};
