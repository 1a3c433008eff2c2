/** A bounded LRU set of message ids, so gossip forwards each transaction or vote once. */
export class SeenSet {
  private readonly entries = new Map<string, true>();

  constructor(readonly capacity: number) {}

  /** Records `id`; true if it was new (forward it), false if already seen (drop it). */
  add(id: Uint8Array | string): boolean {
    const k = typeof id === 'string' ? id : Buffer.from(id.buffer, id.byteOffset, id.length).toString('hex');
    if (this.entries.has(k)) {
      this.entries.delete(k);
      this.entries.set(k, true);
      return false;
    }
    this.entries.set(k, true);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return true;
  }

  /** true if `id` is in the set (does not refresh it). */
  has(id: Uint8Array | string): boolean {
    return this.entries.has(
      typeof id === 'string' ? id : Buffer.from(id.buffer, id.byteOffset, id.length).toString('hex'),
    );
  }

  get size(): number {
    return this.entries.size;
  }
}
