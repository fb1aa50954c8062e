#!/usr/bin/env node
// Entry point of the installed CLI: the compiled composition root lives in dist/ (built by `npm ci`
// through the `prepare` script, or by `npm run build`).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
