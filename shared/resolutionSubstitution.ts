import { scanReferences, unescapeLiteral } from './referenceGrammar';

/** The value a node may use for a reference, or undefined when it has none. */
export type ValueOf = (name: string, field: string) => string | undefined;

export interface Substitution {
  /**
   * With `build`: the config with each reference in its strings replaced and literal escapes
   * undone, deeply frozen. Only containers on the way to a changed string are new; every other
   * subtree is the parsed value's own, frozen in place so an executor cannot change the parsed
   * document (or the next node's view of a YAML alias). Without `build`: the config as given.
   */
  config: unknown;
  /** References found in the strings that `valueOf` has no value for, as `{{secrets.NAME.FIELD}}`. */
  missing: string[];
}

/**
 * Walks a node's config once. Only strings holding `{{` are scanned (a literal escape `\{{` holds
 * one too), so a config without references or escapes is neither scanned nor copied. Without
 * `build` (a dry run) nothing is built or frozen: only `missing` is worked out.
 */
export function substituteConfig(config: unknown, valueOf: ValueOf, build: boolean): Substitution {
  const walker = new Walker(valueOf, build);
  const result = walker.value(config);
  return { config: build ? result : config, missing: walker.missing };
}

class Walker {
  readonly missing: string[] = [];

  constructor(
    private readonly valueOf: ValueOf,
    private readonly build: boolean,
  ) {}

  value(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    if (typeof value !== 'object' || value === null) return value;
    return Array.isArray(value) ? this.array(value) : this.record(value as Record<string, unknown>);
  }

  private string(text: string): string {
    if (!text.includes('{{')) return text;
    const { references } = scanReferences(text);
    if (references.length === 0) return this.build ? unescapeLiteral(text) : text;
    let result = '';
    let last = 0;
    // The scanner is one left-to-right pass: references come in order.
    for (const ref of references) {
      const value = this.valueOf(ref.name, ref.field);
      if (value === undefined) this.missing.push(`{{secrets.${ref.name}.${ref.field}}}`);
      if (this.build) result += unescapeLiteral(text.slice(last, ref.start)) + (value ?? '');
      last = ref.end;
    }
    return this.build ? result + unescapeLiteral(text.slice(last)) : text;
  }

  private array(list: unknown[]): unknown[] {
    let copy: unknown[] | undefined;
    for (let index = 0; index < list.length; index++) {
      const item = list[index];
      const next = this.value(item);
      if (next !== item) copy ??= list.slice();
      if (copy) copy[index] = next;
    }
    return this.seal(copy ?? list);
  }

  private record(record: Record<string, unknown>): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const next = this.value(item);
      if (next === item) continue;
      copy ??= { ...record };
      // A `__proto__` key is data here (JSON.parse makes it an own property), not the prototype.
      if (key === '__proto__') Object.defineProperty(copy, key, { value: next, writable: true, enumerable: true, configurable: true });
      else copy[key] = next;
    }
    return this.seal(copy ?? record);
  }

  private seal<T extends object>(value: T): T {
    if (this.build && !Object.isFrozen(value)) Object.freeze(value);
    return value;
  }
}
