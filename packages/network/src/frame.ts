/**
 * Length-prefixed framing: each frame is a u32 big-endian body length followed by the body
 * (`u8 channel id ‖ payload`). The decoder never buffers more than one frame's worth.
 */
import { netError } from './errors.js';

/** Encodes one frame (header and body) for a channel id and payload. */
export function encodeFrame(channelId: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out.writeUInt32BE(payload.length + 1, 0);
  out[4] = channelId;
  out.set(payload, 5);
  return out;
}

/** A decoded frame. */
export interface Frame {
  readonly channelId: number;
  readonly payload: Uint8Array;
}

/** Incremental frame decoder; `push` throws NET_FRAME_TOO_LARGE / NET_BAD_MESSAGE. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need: number | undefined;

  /** @param maxFrameBytes largest accepted body; can be raised later (after authentication). */
  constructor(public maxFrameBytes: number) {}

  /** Adds received bytes and returns every frame they complete. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Frame[] = [];
    for (;;) {
      if (this.need === undefined) {
        if (this.buffered < 4) break;
        const length = this.take(4).readUInt32BE(0);
        if (length > this.maxFrameBytes) {
          throw netError('NET_FRAME_TOO_LARGE', 'frame exceeds the limit', {
            length,
            max: this.maxFrameBytes,
          });
        }
        if (length === 0) throw netError('NET_BAD_MESSAGE', 'empty frame');
        this.need = length;
      }
      if (this.buffered < this.need) break;
      const body = this.take(this.need);
      this.need = undefined;
      out.push({ channelId: body[0] as number, payload: body.subarray(1) });
    }
    return out;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length < n) {
      this.chunks = [Buffer.concat(this.chunks, this.buffered)];
      return this.take(n);
    }
    this.buffered -= n;
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    return first.subarray(0, n);
  }
}
