/** A small least-recently-used map (Map keeps insertion order; a hit moves the entry to the end). */
export class LruCache<V> {
  readonly #max: number;
  readonly #map = new Map<string, V>();

  constructor(maxEntries: number) {
    this.#max = Math.max(1, maxEntries);
  }

  get size(): number {
    return this.#map.size;
  }

  /** Returns the cached value, computing and inserting it on a miss (a throwing compute inserts nothing). */
  getOrCreate(key: string, compute: () => V): V {
    const hit = this.#map.get(key);
    if (hit !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit;
    }
    const value = compute();
    this.#map.set(key, value);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as string);
    return value;
  }
}
