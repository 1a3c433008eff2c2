export { EXIT_CODES, exitCodeFor } from './exit.js';
export { type CliIO, Output, processIO, type TextOut } from './io.js';
export { DEV_PASSPHRASE, resolvePassphrase } from './passphrase.js';
export { DEFAULT_HOME, DEFAULT_NODE_URL, DEFAULT_PORT, DEV_HOME } from './paths.js';
export { type CommandContext, createProgram, run } from './program.js';
