#!/usr/bin/env node
import { run } from './program.js';

// A reader that stops early (`xinlian … | head`, `| jq` that exits) closes the pipe: that is not
// an error of the command, so end quietly like other Unix tools instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await run(process.argv.slice(2));
