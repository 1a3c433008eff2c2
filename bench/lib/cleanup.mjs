// Resources the benchmark must release: child processes and temp directories. Released in
// reverse order by `run()` (normal path, try/finally) or synchronously by `runSync()` from the
// process 'exit' hook (crash, uncaught error, signal).
import { rmSync } from 'node:fs';

export class Cleanup {
  #items = [];

  /** Registers an async release and its synchronous fallback; returns an unregister function. */
  add(release, releaseSync) {
    const item = { release, releaseSync };
    this.#items.push(item);
    return () => {
      this.#items = this.#items.filter((i) => i !== item);
    };
  }

  /** A temp directory removed at the end. */
  addDir(dir) {
    const rm = () => rmSync(dir, { recursive: true, force: true });
    return this.add(async () => rm(), rm);
  }

  /** Releases everything (errors are reported, not thrown, so every item is released). */
  async run() {
    while (this.#items.length > 0) {
      const item = this.#items.pop();
      try {
        await item.release();
      } catch (e) {
        process.stderr.write(`cleanup failed: ${e?.stack ?? e}\n`);
      }
    }
  }

  /** Last resort from process.on('exit'): no awaiting possible. */
  runSync() {
    while (this.#items.length > 0) {
      try {
        this.#items.pop().releaseSync();
      } catch {
        // best effort while exiting
      }
    }
  }
}
