// Watches GET /v1/stream/blocks: the node publishes each block right after it is durably
// stored (the moment `?wait=commit` callers are answered), so the arrival time of a block event
// is the commit time of its txs as a client sees it.
import http from 'node:http';

/**
 * Connects to the block stream; resolves once connected with `{ committedAt, close() }`, where
 * `committedAt` maps hex txId → performance.now() when its block event arrived.
 */
export function watchBlocks(apiUrl) {
  const committedAt = new Map();
  return new Promise((resolve, reject) => {
    const req = http.get(new URL('/v1/stream/blocks', apiUrl), { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`block stream: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      res.on('error', () => {}); // close() destroys the stream
      let buffer = '';
      res.on('data', (chunk) => {
        const at = performance.now();
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('event: block\n')) continue;
          const block = JSON.parse(event.slice(event.indexOf('data: ') + 6));
          for (const id of block.txIds) committedAt.set(id, at);
        }
      });
      resolve({ committedAt, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}
