// list.sort's algorithm as CPython runs it on a list shorter than 64 items: find the run at the
// start (ascending, or strictly descending and then reversed), then binary insertion of the rest.
// Comparing in CPython's order matters when a comparison raises: the error names its operands
// in the order they were compared. Longer lists are sorted the same way; CPython merges runs
// there, which gives the same result but compares in another order.

/** Sorts `items` in place, stably, by `lt` (`a < b`) applied to each item's key. */
export function sortByKey<T>(items: Array<{ key: T }>, lt: (a: T, b: T) => boolean): void {
  const n = items.length;
  if (n < 2) return;
  let run = 2;
  if (lt(items[1].key, items[0].key)) {
    while (run < n && lt(items[run].key, items[run - 1].key)) run++;
    items.splice(0, run, ...items.slice(0, run).reverse());
  } else {
    while (run < n && !lt(items[run].key, items[run - 1].key)) run++;
  }
  for (let i = run; i < n; i++) {
    const pivot = items[i];
    let lo = 0;
    let hi = i;
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      if (lt(pivot.key, items[mid].key)) hi = mid;
      else lo = mid + 1;
    }
    items.copyWithin(lo + 1, lo, i);
    items[lo] = pivot;
  }
}
