/** A map that keeps only its newest `capacity` entries: setting a key again makes it the newest. */
export class BoundedMap<V> {
  private readonly entries = new Map<string, V>();

  public constructor(private readonly capacity: number) {}

  public get size(): number {
    return this.entries.size;
  }

  public has(key: string): boolean {
    return this.entries.has(key);
  }

  public get(key: string): V | undefined {
    return this.entries.get(key);
  }

  public set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  public delete(key: string): void {
    this.entries.delete(key);
  }
}
