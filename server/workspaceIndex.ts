import type { SecretUsage } from '../shared/lspProtocol';
import type { WorkflowFormat } from '../shared/workflowTypes';
import { referenceAt, referenceCountsByName, unpackAll, type IndexedReference, type PackedReferences } from './indexedReferences';
import type { Position } from 'vscode-languageserver';

/** One workflow file's last validation: the references the cross-file features need. */
export interface IndexEntry {
  /** File-system path for files, the URI for other schemes. */
  key: string;
  /** The URI its diagnostics were published under. */
  uri: string;
  format: WorkflowFormat;
  /** The open document's version this came from; undefined when read from disk. */
  version?: number;
  references: PackedReferences;
}

export interface WorkspaceReference {
  uri: string;
  reference: IndexedReference;
}

/** Every workflow file of the workspace (open or not) and the references found in it. */
export class WorkspaceIndex {
  private readonly entries = new Map<string, IndexEntry>();

  get(key: string): IndexEntry | undefined {
    return this.entries.get(key);
  }

  set(entry: IndexEntry): void {
    this.entries.set(entry.key, entry);
  }

  delete(key: string): IndexEntry | undefined {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  /** The reference at a position of a file, when the entry matches the document's version. */
  referenceAt(key: string, version: number | undefined, position: Position): IndexedReference | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version) return undefined;
    return referenceAt(entry.references, position);
  }

  /** Every reference to `name` across the workspace, files in path order. */
  referencesTo(name: string): WorkspaceReference[] {
    const found: WorkspaceReference[] = [];
    for (const key of [...this.entries.keys()].sort()) {
      const entry = this.entries.get(key)!;
      if (!entry.references.names.includes(name)) continue;
      for (const reference of unpackAll(entry.references)) if (reference.name === name) found.push({ uri: entry.uri, reference });
    }
    return found;
  }

  /** Reference counts per secret name, with the files (URIs) that use each. */
  usage(): SecretUsage[] {
    const byName = new Map<string, { count: number; files: Set<string> }>();
    for (const entry of this.entries.values()) {
      for (const [name, count] of referenceCountsByName(entry.references)) {
        let usage = byName.get(name);
        if (!usage) byName.set(name, (usage = { count: 0, files: new Set() }));
        usage.count += count;
        usage.files.add(entry.uri);
      }
    }
    return [...byName.entries()]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([name, usage]) => ({ name, count: usage.count, files: [...usage.files].sort() }));
  }
}
