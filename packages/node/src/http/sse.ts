import type { ServerResponse } from 'node:http';

interface Client {
  readonly res: ServerResponse;
  readonly queue: string[];
  blocked: boolean;
}

export interface EventStreamOptions {
  /** Events queued for a slow client before it is dropped. */
  readonly maxQueue: number;
  /** Interval of comment lines keeping idle connections open (0 = none). */
  readonly heartbeatMs: number;
}

/**
 * Server-Sent Events fan-out. Each event is serialized once; a client whose socket cannot keep
 * up gets a bounded queue and is disconnected when it overflows, so slow readers never hold
 * unbounded memory.
 */
export class EventStream {
  readonly #opts: EventStreamOptions;
  readonly #clients = new Set<Client>();
  readonly #heartbeat: NodeJS.Timeout | undefined;

  constructor(opts: EventStreamOptions) {
    this.#opts = opts;
    if (opts.heartbeatMs > 0) {
      this.#heartbeat = setInterval(() => this.#broadcast(': ping\n\n'), opts.heartbeatMs);
      this.#heartbeat.unref();
    }
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Takes over a response: writes the SSE headers and keeps it until the client leaves or is dropped. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const client: Client = { res, queue: [], blocked: false };
    this.#clients.add(client);
    res.on('close', () => this.#clients.delete(client));
    res.on('drain', () => this.#flush(client));
  }

  /** Sends one event with JSON data to every client. */
  publish(event: string, data: unknown): void {
    this.#broadcast(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends every stream (on shutdown). */
  close(): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    for (const c of this.#clients) c.res.end();
    this.#clients.clear();
  }

  #broadcast(chunk: string): void {
    for (const c of this.#clients) {
      if (!c.blocked) {
        c.blocked = !c.res.write(chunk);
      } else if (c.queue.length < this.#opts.maxQueue) {
        c.queue.push(chunk);
      } else {
        this.#clients.delete(c);
        c.res.destroy();
      }
    }
  }

  #flush(client: Client): void {
    client.blocked = false;
    while (client.queue.length > 0 && !client.blocked) {
      client.blocked = !client.res.write(client.queue.shift()!);
    }
  }
}
