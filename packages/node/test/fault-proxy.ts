/**
 * A fault-injecting TCP proxy for real-process network tests: listens on 127.0.0.1 and pipes each
 * connection to a target port. `cut()` destroys the live connections and, until `heal()`,
 * accepts and at once destroys new ones (the dialer sees its connection reset, as with a
 * partition that refuses connections).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class FaultProxy {
  /** The port connections are piped to (set before the first connection arrives). */
  target = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #cut = false;
  /** Connections accepted and piped / refused while cut (what the test can assert on). */
  accepted = 0;
  refused = 0;

  private constructor() {
    this.#server = createServer((client) => this.#onConnection(client));
  }

  /**
   * A proxy on a free port of 127.0.0.1 forwarding to `target` (may be set later: start the
   * proxies before choosing the nodes' ports, so the OS cannot hand a proxy's port out twice).
   */
  static async start(target = 0): Promise<FaultProxy> {
    const p = new FaultProxy();
    p.target = target;
    await new Promise<void>((resolve) => p.#server.listen(0, '127.0.0.1', resolve));
    return p;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  get isCut(): boolean {
    return this.#cut;
  }

  cut(): void {
    this.#cut = true;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  heal(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onConnection(client: Socket): void {
    if (this.#cut) {
      this.refused += 1;
      client.destroy();
      return;
    }
    this.accepted += 1;
    const upstream = createConnection({ host: '127.0.0.1', port: this.target });
    const pair = [client, upstream];
    for (const s of pair) {
      this.#sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        this.#sockets.delete(s);
        for (const o of pair) o.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
