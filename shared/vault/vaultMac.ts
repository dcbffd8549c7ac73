import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { MAC_INPUT_HEAD, macInputTail } from './vaultCanonical';
import type { VaultHeader } from './vaultFormat';

/**
 * The file MAC for a writer, resumable. It is the same HMAC-SHA256 as computeMac over the same
 * input (`{"entries":[<line>,<line>,...],"header":<header>}`, see vaultCanonical.ts), written out as
 * RFC 2104 (inner hash of key⊕ipad and the message, outer hash of key⊕opad and the inner digest) so
 * that the inner hash's state can be copied part-way. States are kept every CHECKPOINT_EVERY entries
 * and after the last one; the next write resumes from the last state within the leading entries it
 * kept unchanged (the caller counts them: the same objects, in the same order, hence the same
 * lines), so an add hashes one entry instead of the whole file.
 * Tests compare it with createHmac and with computeMac after every kind of change.
 */
const BLOCK_BYTES = 64;
const IPAD = 0x36;
const OPAD = 0x5c;
const CHECKPOINT_EVERY = 256;
const COMMA = Buffer.from(',');

interface Checkpoint {
  /** How many entries the inner hash has taken in. Never updated after it is stored: resumed from a copy. */
  count: number;
  inner: Hash;
}

/** Where hashing can resume for the next write: the key and the inner hash's states along the entries. */
export interface MacProgress {
  macKey: Buffer;
  checkpoints: readonly Checkpoint[];
}

/**
 * HMAC-SHA256 of the MAC input for the entries whose canonical lines are `lines`, resuming from
 * `previous` (the progress of a write whose first `kept` lines were these same lines).
 */
export function resumableMac(
  macKey: Buffer,
  header: Omit<VaultHeader, 'keyCheck'>,
  lines: readonly Buffer[],
  kept: number,
  previous?: MacProgress,
): { mac: Buffer; progress: MacProgress } {
  const usable = previous && previous.macKey.equals(macKey) ? previous.checkpoints.filter((point) => point.count <= kept) : [];
  const resume = usable[usable.length - 1];
  // Keep the regular checkpoints; a final one that is not regular is replaced by this write's own.
  const checkpoints = usable.filter((point) => point.count % CHECKPOINT_EVERY === 0);
  const inner = resume ? resume.inner.copy() : createHash('sha256').update(keyPad(macKey, IPAD)).update(`${MAC_INPUT_HEAD}[`);
  for (let i = resume?.count ?? 0; i < lines.length; i++) {
    if (i > 0) inner.update(COMMA);
    inner.update(lines[i] as Buffer);
    if ((i + 1) % CHECKPOINT_EVERY === 0) checkpoints.push({ count: i + 1, inner: inner.copy() });
  }
  if (checkpoints[checkpoints.length - 1]?.count !== lines.length) checkpoints.push({ count: lines.length, inner: inner.copy() });
  const innerDigest = inner.update(`]${macInputTail(header)}`).digest();
  const mac = createHash('sha256').update(keyPad(macKey, OPAD)).update(innerDigest).digest();
  return { mac, progress: { macKey, checkpoints } };
}

/** The key padded to SHA-256's block and XORed with `pad` (a 32-byte key never needs hashing first). */
function keyPad(key: Buffer, pad: number): Buffer {
  if (key.length > BLOCK_BYTES) throw new RangeError('resumableMac: the MAC key is longer than a block');
  const padded = Buffer.alloc(BLOCK_BYTES, pad);
  for (let i = 0; i < key.length; i++) padded[i] = (key[i] as number) ^ pad;
  return padded;
}
