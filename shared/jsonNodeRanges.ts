import type { NodeRangeSource, NodeRanges } from './workflowStructure';
import type { TextRange } from './workflowTypes';

/** The per-node fields, in their slot order. */
export const NODE_RANGE_FIELDS: readonly (keyof NodeRanges)[] = ['range', 'id', 'type', 'name', 'config'];
const SLOTS = NODE_RANGE_FIELDS.length;

/**
 * The ranges of `nodes[i]` and its id/type/name/config values for the JSON fast path, as offsets in
 * one growing typed array (off the garbage-collected heap): a range object is made only when asked
 * for, and a big workflow asks for three per node, not five plus a holder.
 */
export class JsonNodeRanges implements NodeRangeSource {
  nodes?: TextRange;
  /** Per node and field: start and end, -1 when absent. */
  private offsets = new Int32Array(0);

  /** `field` is an index into NODE_RANGE_FIELDS. */
  record(index: number, field: number, start: number, end: number): void {
    const at = (index * SLOTS + field) * 2;
    if (at + 1 >= this.offsets.length) this.grow(at + 2);
    this.offsets[at] = start;
    this.offsets[at + 1] = end;
  }

  rangeOf(index: number, field: keyof NodeRanges): TextRange | undefined {
    const at = (index * SLOTS + NODE_RANGE_FIELDS.indexOf(field)) * 2;
    if (at + 1 >= this.offsets.length) return undefined;
    const start = this.offsets[at] as number;
    return start < 0 ? undefined : { start, end: this.offsets[at + 1] as number };
  }

  private grow(needed: number): void {
    const grown = new Int32Array(Math.max(needed, this.offsets.length * 2, 64 * SLOTS * 2)).fill(-1);
    grown.set(this.offsets);
    this.offsets = grown;
  }
}
