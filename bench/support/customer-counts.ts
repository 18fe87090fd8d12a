/**
 * How many of the varied customers numbered from `from` (for `count`) meet `test`: the benchmarks
 * check a flow's output count against it, so a flow that drops or duplicates records posts no figure.
 */
export function countCustomers(from: number, count: number, test: (index: number) => boolean): number {
  let matching = 0;
  for (let index = from; index < from + count; index++) if (test(index)) matching++;
  return matching;
}
