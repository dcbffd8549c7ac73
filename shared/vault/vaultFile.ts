import { constants as fsConstants, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { WorkflowSecretsError } from '../errors';
import { tempFilePrefixOf } from './vaultPaths';
import { isProcessAlive } from './vaultProcess';
import { vaultIo, vaultNotFound, vaultPermissions } from './vaultErrors';

/**
 * The vault file on disk. Policies (documented in the README section "The vault and the security model"):
 * - created 0600 in a 0700 folder, set with chmod so the umask does not matter;
 * - a vault readable or writable by group or others is repaired to 0600 and a warning is given;
 * - a vault owned by another user, or a symbolic link, is refused (`vault-permissions`);
 * - POSIX only: on Windows the folder's ACL (inherited from %APPDATA%) protects the file.
 */
export const FILE_MODE = 0o600;
export const DIRECTORY_MODE = 0o700;

const isWindows = process.platform === 'win32';

export interface ReadOptions {
  onWarning?: (message: string) => void;
  /** Repair group/world access (a writer); false only reports it (a read-only metadata reader). */
  repair?: boolean;
}

/** Reads the vault's text after checking what it is and who may read it. */
export async function readVaultText(vaultPath: string, options: ReadOptions = {}): Promise<string> {
  return (await readVaultBytes(vaultPath, options)).toString('utf8');
}

/** Reads the vault's bytes after checking what it is and who may read it. */
export async function readVaultBytes(vaultPath: string, options: ReadOptions = {}): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    // O_NOFOLLOW: the check and the read are about the same file, not what a link points to later.
    handle = await fs.open(vaultPath, isWindows ? 'r' : fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') throw vaultNotFound(vaultPath);
    if (codeOf(error) === 'ELOOP') throw await symlinkRefused(vaultPath);
    throw vaultIo(vaultPath, 'open', error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw vaultPermissions(vaultPath, 'is not a regular file', 'Point --vault or WORKFLOW_SECRETS_VAULT at the vault file itself.');
    }
    if (isWindows) {
      const link = await fs.lstat(vaultPath);
      if (link.isSymbolicLink()) throw await symlinkRefused(vaultPath);
    } else {
      await checkOwnerAndMode(vaultPath, handle, stat, options);
    }
    return await readWhole(handle, stat.size);
  } catch (error) {
    if (error instanceof WorkflowSecretsError) throw error;
    throw vaultIo(vaultPath, 'read', error);
  } finally {
    await handle.close();
  }
}

/**
 * The whole file in one read when its size allows (FileHandle.readFile reads 512 KiB at a time,
 * each a round trip to the thread pool). One byte more than its size is asked for, so a file that
 * grew meanwhile is noticed and read the usual way. A regular file reads short only at its end.
 */
async function readWhole(handle: fs.FileHandle, size: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(size + 1);
  let filled = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, filled, size + 1 - filled, filled);
    filled += bytesRead;
    if (filled > size) return handle.readFile();
    if (bytesRead === 0 || filled === size) return buffer.subarray(0, filled);
  }
}

/** Writes all of `bytes` from the start (FileHandle.writeFile also writes 512 KiB at a time). */
async function writeWhole(handle: fs.FileHandle, bytes: Buffer): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, written);
    if (bytesWritten <= 0) throw Object.assign(new Error('nothing was written'), { code: 'EIO' });
    written += bytesWritten;
  }
}

async function checkOwnerAndMode(vaultPath: string, handle: fs.FileHandle, stat: { uid: number; mode: number }, options: ReadOptions): Promise<void> {
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && stat.uid !== uid) {
    throw vaultPermissions(
      vaultPath,
      `belongs to another user (uid ${stat.uid}), so its permissions cannot be trusted`,
      'Use a vault you own: copy it (cp) into your configuration folder, or take ownership (chown) of it.',
    );
  }
  const loose = stat.mode & 0o077;
  if (loose === 0) return;
  if (options.repair === false) {
    warn(options.onWarning, `The vault ${vaultPath} can be read by other users (mode ${octal(stat.mode)}); it will be set to 0600 when the vault is next opened with its key.`);
    return;
  }
  try {
    await handle.chmod(FILE_MODE);
  } catch (error) {
    throw vaultPermissions(vaultPath, `is readable by other users (mode ${octal(stat.mode)}) and could not be set to 0600 (${codeOf(error) ?? 'error'})`, `Run: chmod 600 "${vaultPath}"`);
  }
  warn(
    options.onWarning,
    `The vault ${vaultPath} was readable or writable by other users (mode ${octal(stat.mode)}); its permissions were set to 0600. Consider rotating the master key if others had access.`,
  );
}

async function symlinkRefused(vaultPath: string) {
  const target = await fs.readlink(vaultPath).catch(() => undefined);
  const real = target === undefined ? undefined : path.resolve(path.dirname(vaultPath), target);
  return vaultPermissions(
    vaultPath,
    'is a symbolic link; vaults are never read or written through links (a write would replace the link, and a link can point anywhere)',
    real ? `Point --vault or WORKFLOW_SECRETS_VAULT at the real file: ${real}` : 'Point --vault or WORKFLOW_SECRETS_VAULT at the real file.',
  );
}

/** Creates the vault's folder (and missing parents) as 0700, whatever the umask. */
export async function ensureVaultDirectory(vaultPath: string): Promise<void> {
  const directory = path.dirname(path.resolve(vaultPath));
  const missing: string[] = [];
  for (let current = path.resolve(directory); ; current = path.dirname(current)) {
    const stat = await fs.stat(current).catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw vaultIo(vaultPath, 'inspect the folder of', error);
    });
    if (stat) {
      if (!stat.isDirectory()) throw vaultIo(vaultPath, 'create the folder of', Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }));
      break;
    }
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of missing) {
    try {
      await fs.mkdir(folder, { mode: DIRECTORY_MODE });
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw vaultIo(vaultPath, 'create the folder of', error);
      continue; // Another process made it first; its creator set the mode.
    }
    if (!isWindows) await fs.chmod(folder, DIRECTORY_MODE);
  }
}

/** Warns when others could replace the vault by writing in its folder (a sticky folder like /tmp is fine). */
export async function checkVaultDirectory(vaultPath: string, onWarning?: (message: string) => void): Promise<void> {
  if (isWindows) return;
  const directory = path.dirname(vaultPath);
  const stat = await fs.stat(directory).catch(() => undefined);
  if (stat && (stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0) {
    warn(onWarning, `The folder ${directory} of the vault can be written by other users (mode ${octal(stat.mode)}), who could replace the vault. Run: chmod 700 "${directory}"`);
  }
}

/**
 * Atomic replace: write a 0600 temp file in the same folder, fsync it, rename it over the vault,
 * fsync the folder. A crash at any point leaves either the old or the new file in place.
 */
export async function writeVaultTextAtomic(vaultPath: string, text: string | Buffer): Promise<void> {
  const directory = path.dirname(vaultPath);
  const temp = path.join(directory, `${tempFilePrefixOf(vaultPath)}${process.pid}-${randomBytes(6).toString('hex')}`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', FILE_MODE);
    if (!isWindows) await handle.chmod(FILE_MODE);
    await writeWhole(handle, typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, vaultPath);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw vaultIo(vaultPath, 'write', error);
  }
  await syncDirectory(directory).catch((error: unknown) => {
    throw vaultIo(vaultPath, 'flush the folder of', error);
  });
}

async function syncDirectory(directory: string): Promise<void> {
  if (isWindows) return; // Windows cannot open a folder for fsync; NTFS journals the rename.
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes temp files that crashed writers left. Holding the lock, every temp file is stray; without
 * it (opening, or the lock disabled for tests) only those whose writer process is gone.
 */
export async function cleanStrayTempFiles(vaultPath: string, holdingLock: boolean): Promise<number> {
  const directory = path.dirname(vaultPath);
  const prefix = tempFilePrefixOf(vaultPath);
  const names = await fs.readdir(directory).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!holdingLock && (pid === process.pid || (Number.isSafeInteger(pid) && pid > 0 && isProcessAlive(pid)))) continue;
    await fs.unlink(path.join(directory, name)).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

export async function vaultFileExists(vaultPath: string): Promise<boolean> {
  try {
    await fs.lstat(vaultPath);
    return true;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return false;
    throw vaultIo(vaultPath, 'inspect', error);
  }
}

export function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** Warnings are never silent: without a handler they become a process warning (stderr). */
function warn(onWarning: ((message: string) => void) | undefined, message: string): void {
  if (onWarning) onWarning(message);
  else process.emitWarning(message, { code: 'WORKFLOW_SECRETS_VAULT' });
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}
