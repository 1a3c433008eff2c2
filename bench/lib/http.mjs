// A minimal keep-alive HTTP/1.1 JSON client on node:http (no per-request overhead beyond the
// socket write), so the client spends as little CPU as possible next to the node.
import http from 'node:http';

export class HttpClient {
  #base;
  #agent;

  /** `maxSockets` bounds concurrent connections (keep-alive, reused). */
  constructor(baseUrl, { maxSockets = 256 } = {}) {
    this.#base = new URL(baseUrl);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /**
   * Sends a request; `body` is a string or Buffer of JSON. Resolves `{ status, headers, text }`
   * for every HTTP status; rejects only on transport errors.
   */
  request(method, path, body) {
    return new Promise((resolve, reject) => {
      const headers =
        body === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = http.request(
        { host: this.#base.hostname, port: this.#base.port, method, path, headers, agent: this.#agent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** GET and parse JSON; throws on a non-2xx status. */
  async getJson(path) {
    const res = await this.request('GET', path);
    if (res.status < 200 || res.status > 299) throw new Error(`GET ${path}: HTTP ${res.status} ${res.text}`);
    return JSON.parse(res.text);
  }

  /** POST JSON and parse the JSON answer; throws on a non-2xx status. */
  async postJson(path, body) {
    const res = await this.request('POST', path, body);
    if (res.status < 200 || res.status > 299) throw new Error(`POST ${path}: HTTP ${res.status} ${res.text}`);
    return JSON.parse(res.text);
  }

  close() {
    this.#agent.destroy();
  }
}

/** Milliseconds to wait before retrying a 429/503 (Retry-After, capped at 200 ms so a short overload does not idle the run; default 20 ms). */
export function retryDelayMs(res) {
  const seconds = Number(res.headers['retry-after']);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 200) : 20;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
