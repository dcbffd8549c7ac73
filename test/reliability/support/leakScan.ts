import { randomBytes } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Canary values for the leak test and the greps that look for them. A canary is found in its raw
 * form and in the encodings a value is most often leaked in: JSON-escaped, URL-encoded, base64
 * and base64url of the whole value.
 */
export class Canaries {
  readonly prefix = `CNRY${randomBytes(5).toString('hex')}`;
  private readonly values = new Set<string>();

  /** A new unique value, e.g. canaries.make('stripe') → "CNRY…-stripe-…". */
  make(label: string): string {
    const value = `${this.prefix}-${label}-${randomBytes(3).toString('hex')}`;
    this.values.add(value);
    return value;
  }

  /** Registers a value made elsewhere (a key or passphrase), so it is grepped for too. */
  add(value: string): string {
    this.values.add(value);
    return value;
  }

  get all(): string[] {
    return [...this.values];
  }

  /** Every canary (or encoding of one) in `text`, with its form. */
  findIn(text: string): string[] {
    const found: string[] = [];
    // Reports name the form only, never the canary: a failing run's log must not hold one either.
    if (text.includes(this.prefix)) found.push('a canary value');
    for (const value of this.values) {
      for (const [form, encoded] of encodings(value)) if (encoded !== value && text.includes(encoded)) found.push(`${form} of a canary`);
      if (!value.startsWith(this.prefix) && text.includes(value)) found.push('a key or passphrase canary');
    }
    return found;
  }
}

function encodings(value: string): [string, string][] {
  const bytes = Buffer.from(value, 'utf8');
  return [
    ['JSON-escaped', JSON.stringify(value).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(value)],
    ['base64', bytes.toString('base64').replace(/=+$/, '')],
    ['base64url', bytes.toString('base64url')],
  ];
}

/** Regular files under `root` (recursively) changed at or after `sinceMs`, up to `maxBytes` each. */
export async function recentFiles(root: string, sinceMs: number, skip: (path: string) => boolean, maxBytes = 8 * 1024 * 1024): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 6) return;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(dir, name);
      if (skip(path)) continue;
      const info = await lstat(path).catch(() => undefined);
      if (!info || info.isSymbolicLink()) continue;
      if (info.isDirectory()) await walk(path, depth + 1);
      else if (info.isFile() && info.mtimeMs >= sinceMs && info.size <= maxBytes) found.push(path);
    }
  };
  await walk(root, 0);
  return found;
}

/** The text of a file, or '' when it cannot be read (another test removed it meanwhile). */
export async function readIfThere(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}
