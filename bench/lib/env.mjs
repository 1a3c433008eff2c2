// The machine and code a benchmark ran on, printed first and stored with the results.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Output of a read-only git command, or null outside a git checkout. */
function git(args, cwd) {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Node version, CPU, cores, memory, OS and git commit (with a dirty flag). */
export function environment(repoRoot) {
  const cpus = os.cpus();
  const commit = git(['rev-parse', 'HEAD'], repoRoot);
  const status = git(['status', '--porcelain', '--untracked-files=no'], repoRoot);
  return {
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    gitCommit: commit,
    gitDirty: status === null ? null : status.length > 0,
    /** 1/5/15-minute load averages at start: other processes competing for the cores skew results. */
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Human-readable lines for `environment()`. */
export function formatEnvironment(env) {
  const commit =
    env.gitCommit === null ? 'n/a' : `${env.gitCommit.slice(0, 12)}${env.gitDirty ? ' (dirty)' : ''}`;
  return [
    `node     ${env.node} (V8 ${env.v8}, OpenSSL ${env.openssl})`,
    `cpu      ${env.cpuModel}, ${env.cores} cores available`,
    `memory   ${env.memoryGiB} GiB`,
    `os       ${env.os}`,
    `commit   ${commit}`,
    `load     ${env.loadAverage.join(' / ')} (1/5/15 min)${env.loadAverage[0] > 0.5 ? ' — other processes are using the CPU: results are pessimistic' : ''}`,
  ];
}
