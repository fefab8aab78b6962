export interface Sized { readonly size: number }
export class Queue<T> implements Sized {
  private items: T[] = [];
  push(x: T): void { this.items.push(x); }
  get size(): number { return this.items.length; }
  sorted(cmp: (a: T, b: T) => number): T[] { return [...this.items].sort(cmp); }
}
export function describe(q: Queue<number>): string {
  return `size=${q.size} sorted=${q.sorted((a, b) => a - b).join(',')}`;
}
