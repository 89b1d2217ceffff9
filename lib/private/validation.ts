/** The first item that occurs twice in `items` (compared by `keyOf`), or `undefined` when all differ. */
export function firstDuplicate<T>(items: readonly T[], keyOf: (item: T) => unknown = item => item): T | undefined {
  const seen = new Set<unknown>();
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key)) { return item; }
    seen.add(key);
  }
  return undefined;
}
