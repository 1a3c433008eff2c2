// Runs a fresh single-validator node as a separate OS process (its own event loop and cores).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { initHome } from '@xinlian/node';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
/** A throwaway passphrase: the home and its key are deleted after the run. */
const PASSPHRASE = 'xinlian-bench-throwaway';

/**
 * Creates a home (suite, block interval), enlarges the mempool in config.json, starts
 * `node packages/node/dist/src/main.js --home <tmp>` and waits for its `ready` line.
 * Returns `{ apiUrl, home, genesis, stop(), stderrTail() }`; the process and the home are
 * registered with `cleanup`.
 */
export async function startNodeProcess(opts, cleanup) {
  const home = mkdtempSync(join(tmpdir(), `xinlian-bench-${opts.suite}-`));
  cleanup.addDir(home);
  const info = await initHome({
    home,
    suite: opts.suite,
    passphrase: PASSPHRASE,
    apiHost: '127.0.0.1',
    apiPort: 0,
    blockIntervalMs: opts.blockIntervalMs,
  });
  const config = JSON.parse(readFileSync(info.configPath, 'utf8'));
  config.mempool = { capacity: opts.mempoolCapacity, maxBytes: opts.mempoolMaxBytes };
  config.log = { level: 'warn' };
  writeFileSync(info.configPath, `${JSON.stringify(config, null, 2)}\n`);

  const node = await spawnHome(home, opts, cleanup);
  return { ...node, genesis: info.genesis };
}

/**
 * Starts `node <mainJs> --home <home>` as a child process and waits for its `ready` line.
 * Returns `{ apiUrl, home, pid, stop(), kill(), exited, stderrTail() }`; the process is registered
 * with `cleanup` (the home is not).
 */
export async function spawnHome(home, opts, cleanup) {
  const args = [...(opts.nodeFlags ?? []), opts.mainJs, '--home', home];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, XINLIAN_PASSPHRASE: PASSPHRASE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const unregister = cleanup.add(
    () => stop(),
    () => child.exitCode === null && child.kill('SIGKILL'),
  );
  const stderr = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 50) stderr.shift();
  });

  let stopping;
  /** SIGTERM (clean shutdown: flushes a --cpu-prof profile), SIGKILL if it hangs. */
  function stop() {
    stopping ??= (async () => {
      unregister();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopping;
  }

  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('node did not become ready in time')), READY_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.event === 'ready') {
        clearTimeout(timer);
        resolve(event);
      } else if (event.event === 'error') {
        clearTimeout(timer);
        reject(new Error(`node failed to start: ${event.code} ${event.message}`));
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`node exited before ready (code ${code}, signal ${signal}): ${stderr.join('\n')}`));
    });
  });
  return {
    apiUrl: ready.apiUrl,
    home,
    pid: child.pid,
    stop,
    kill: () => {
      unregister();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
    exited,
    stderrTail: () => stderr.join('\n'),
  };
}

export { PASSPHRASE };
