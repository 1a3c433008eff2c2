// CPU time used by the node process (all its threads, from /proc on Linux) and by this client,
// to show where the machine's cores went during a phase.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (sysconf CLK_TCK), null off Linux. */
function clockTicks() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return null;
  }
}

/** user+system CPU seconds of a /proc stat file (a process or one thread), or null. */
function procCpuSeconds(path, ticks) {
  if (ticks === null) return null;
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return null;
  }
}

/** Seconds a thread spent runnable but waiting for a CPU (/proc/.../schedstat), or null. */
function runqueueWaitSeconds(path) {
  try {
    return Number(readFileSync(path, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine (all cores, /proc/stat), or null. */
function machineBusySeconds(ticks) {
  if (ticks === null) return null;
  try {
    // user nice system idle iowait irq softirq steal (guest time is already counted in user)
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = cpu[3] + cpu[4];
    return (cpu.reduce((a, b) => a + b, 0) - idle) / ticks;
  } catch {
    return null;
  }
}

/**
 * Starts measuring (without `nodePid`: this process only; an array of pids: their sum). `stop()` returns `{ wallSeconds,
 * nodeCpuSeconds, nodeMainThreadCpuSeconds, nodeMainThreadWaitSeconds, clientCpuSeconds,
 * otherCpuSeconds }`. The node's main thread runs all JS (HTTP, admission, execution, commits);
 * its wait is the time it was runnable but had no CPU. The node's other threads are the
 * verifier workers, V8's GC/compiler helpers, libuv and lmdb. `other` is what the rest of the
 * machine used meanwhile: anything well above 0 means the figures are pessimistic.
 */
export function cpuMeter(nodePid) {
  const ticks = clockTicks();
  // Several node processes (a validator network): their figures are summed.
  const pids = nodePid === undefined ? [] : Array.isArray(nodePid) ? nodePid : [nodePid];
  const node = pids.length === 0 ? null : ticks;
  const sum = (f) => {
    if (node === null) return null;
    let total = 0;
    for (const pid of pids) {
      const v = f(pid);
      if (v === null) return null;
      total += v;
    }
    return total;
  };
  const read = () => ({
    all: sum((pid) => procCpuSeconds(`/proc/${pid}/stat`, node)),
    main: sum((pid) => procCpuSeconds(`/proc/${pid}/task/${pid}/stat`, node)),
    mainWait: sum((pid) => runqueueWaitSeconds(`/proc/${pid}/task/${pid}/schedstat`)),
    machine: machineBusySeconds(ticks),
  });
  const diff = (a, b) => (a === null || b === null ? null : b - a);
  const wall0 = performance.now();
  const node0 = read();
  const client0 = process.cpuUsage();
  return {
    stop() {
      const node1 = read();
      const client = process.cpuUsage(client0);
      const clientCpuSeconds = (client.user + client.system) / 1e6;
      const nodeCpuSeconds = diff(node0.all, node1.all);
      const machine = diff(node0.machine, node1.machine);
      return {
        wallSeconds: (performance.now() - wall0) / 1000,
        nodeCpuSeconds,
        nodeMainThreadCpuSeconds: diff(node0.main, node1.main),
        nodeMainThreadWaitSeconds: diff(node0.mainWait, node1.mainWait),
        clientCpuSeconds,
        otherCpuSeconds:
          machine === null ? null : Math.max(0, machine - (nodeCpuSeconds ?? 0) - clientCpuSeconds),
      };
    },
  };
}
