/**
 * Keeps objects alive for the life of the process, so that their hidden classes stay alive.
 *
 * V8 collects a hidden class once no object has it (map transitions are weak references), and
 * discards the optimized code built on it. A parser whose objects all live for one parse loses its
 * classes at every full GC between two parses (an idle language server's memory reducer, or a
 * benchmark's forced gc()), and the next parse starts over in the interpreter and re-optimizes:
 * measured on a 10k-node JSON workflow, about twice as slow. One instance per class, kept here,
 * prevents that.
 */
const kept: object[] = [];

export function keepShape<T extends object>(instance: T): T {
  kept.push(instance);
  return instance;
}
