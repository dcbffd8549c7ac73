import type { ReferenceOutcome } from './resolutionOutcomes';
import type { ReferenceResolution } from './resolutionReport';
import type { NodeValues } from './resolutionSubstitution';

/**
 * The node being resolved: its report entries and, at the same index, what each resolved to
 * (values stay here, out of the report). One per run, reused node after node.
 */
export interface Resolved {
  references: ReferenceResolution[];
  outcomes: ReferenceOutcome[];
}

/** A node may use the values of its own resolved references only (not those of earlier nodes). */
export class OwnValues implements NodeValues {
  private resolved: Resolved = { references: [], outcomes: [] };
  /** Keyed by NAME and FIELD, for nodes with many references (a linear search is quicker for a few). */
  private keyed: Map<string, string> | undefined;

  /** Serves `resolved` from now on (one node at a time). */
  of(resolved: Resolved): this {
    this.resolved = resolved;
    this.keyed = undefined;
    return this;
  }

  valueAt(text: string, nameStart: number, nameEnd: number, fieldStart: number, fieldEnd: number): string | undefined {
    const { references, outcomes } = this.resolved;
    if (references.length > 16) return (this.keyed ??= this.keyedValues()).get(`${text.slice(nameStart, nameEnd)}\u0000${text.slice(fieldStart, fieldEnd)}`);
    for (let index = 0; index < references.length; index++) {
      const ref = references[index] as ReferenceResolution;
      if (
        ref.status === 'ok' &&
        ref.name.length === nameEnd - nameStart &&
        ref.field.length === fieldEnd - fieldStart &&
        text.startsWith(ref.name, nameStart) &&
        text.startsWith(ref.field, fieldStart)
      ) {
        return outcomes[index]?.value;
      }
    }
    return undefined;
  }

  private keyedValues(): Map<string, string> {
    const keyed = new Map<string, string>();
    const { references, outcomes } = this.resolved;
    for (let index = 0; index < references.length; index++) {
      const ref = references[index] as ReferenceResolution;
      const value = outcomes[index]?.value;
      if (value !== undefined) keyed.set(`${ref.name}\u0000${ref.field}`, value);
    }
    return keyed;
  }
}

/** Shortest value masked out of an executor's error message (shorter ones would mangle words). */
const MIN_MASKED_LENGTH = 4;

/** Masks resolved values out of an executor's message: executors may echo their input. */
export function maskValues(message: string, values: string[]): string {
  let masked = message;
  const sorted = [...new Set(values)].sort((a, b) => b.length - a.length);
  for (const value of sorted) {
    if (value.length >= MIN_MASKED_LENGTH || masked === value) masked = masked.split(value).join('********');
  }
  return masked;
}
