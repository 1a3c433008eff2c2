import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { EventStream } from '../src/http/sse.js';

describe('EventStream (SSE fan-out)', { timeout: 30_000 }, () => {
  it('delivers every event in order to a reading client and drops a client that stops reading', async () => {
    const stream = new EventStream({ maxQueue: 32, heartbeatMs: 0 });
    const server = createServer((_req, res) => stream.attach(res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const slow = connect(port, '127.0.0.1');
    try {
      // A client that sends its request and then never reads.
      await once(slow, 'connect');
      slow.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
      slow.pause();

      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      while (stream.clientCount < 2) await tick();

      const received: number[] = [];
      const reader = (async () => {
        const decoder = new TextDecoder();
        let buf = '';
        for await (const chunk of res.body!) {
          buf += decoder.decode(chunk, { stream: true });
          let end = buf.indexOf('\n\n');
          while (end >= 0) {
            const frame = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const data = frame.split('\n').find((l) => l.startsWith('data: '));
            if (frame.startsWith('event: n') && data !== undefined)
              received.push((JSON.parse(data.slice(6)) as { i: number }).i);
            end = buf.indexOf('\n\n');
          }
        }
      })();

      const pad = 'x'.repeat(16 * 1024);
      const total = 1500; // ~24 MiB: far more than the socket buffers of the stalled client
      for (let i = 0; i < total; i++) {
        stream.publish('n', { i, pad });
        await tick();
      }
      assert.equal(stream.clientCount, 1, 'the stalled client must have been dropped');
      while (received.length < total) await tick();
      assert.deepEqual(
        received,
        Array.from({ length: total }, (_, i) => i),
      );
      stream.close();
      await reader;
      assert.equal(stream.clientCount, 0);
    } finally {
      slow.destroy();
      stream.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
