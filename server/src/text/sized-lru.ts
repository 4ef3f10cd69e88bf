/**
 * A map bounded by the total size of its entries (the caller's measure, characters of text), least recently used
 * first out. The shared parses, a repository reader's file texts and its caller models each keep about a
 * repository's worth this way: enough that a scan or an editing session does not read or parse a file twice, never
 * so much that a folder of large hostile files fills the memory.
 */
export class SizedLru<K, V> {
  private readonly entries = new Map<K, { value: V; size: number }>();
  private total = 0;

  constructor(private readonly maxSize: number) {}

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, now the most recently used; undefined when absent (or stored as undefined: see has). */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores the value as the most recently used, then drops the least recently used while over the bound. */
  set(key: K, value: V, size: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.total -= old.size;
    }
    this.entries.set(key, { value, size });
    this.total += size;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.maxSize) break;
      this.entries.delete(oldest);
      this.total -= entry.size;
    }
  }
}
