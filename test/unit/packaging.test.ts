import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';

/**
 * The .vsix holds the three bundles and the metadata files, nothing else. The package is made by
 * the real vsce with the flags of `npm run package`, in a temp copy of the project seeded with the
 * kinds of files that must stay out (sources, source maps, tests, screenshots, node_modules), so
 * this test never rebuilds the shared dist/ under other tests' feet.
 */

const ROOT = join(__dirname, '..', '..');
const VSCE = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Reads a zip's central directory (enough for a .vsix: stored or deflated entries). */
function readZip(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'a zip end-of-central-directory record');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    entries.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('npm run package', () => {
  let work: string;
  let entries: ZipEntry[];
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    main: string;
    scripts: Record<string, string>;
    icon?: string;
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'ws-package-'));
    const shipped = ['package.json', '.vscodeignore', 'LICENSE', 'README.md', 'CHANGELOG.md'].filter((file) => existsSync(join(ROOT, file)));
    for (const file of shipped) await copyFile(join(ROOT, file), join(work, file));
    // Bundles and everything that must not ship; their content does not matter to vsce.
    const seeded: Record<string, string> = {
      'dist/client.js': '// client',
      'dist/server.js': '// server',
      'dist/cli.js': '// cli',
      'dist/client.js.map': '{}',
      'dist/server.js.map': '{}',
      'client/extension.ts': '// source',
      'shared/keyState.ts': '// source',
      'test/unit/example.test.ts': '// test',
      'media/screenshots/completion.png': 'png',
      'node_modules/zod/index.js': '// dependency',
      '.e2e/cs/entry.js': '// code-server',
      'examples/orders.workflow.json': '{}',
      'tsconfig.json': '{}',
      'esbuild.mjs': '// build',
    };
    for (const [file, text] of Object.entries(seeded)) {
      await mkdir(dirname(join(work, file)), { recursive: true });
      await writeFile(join(work, file), text);
    }
    const command = /vsce package (.*)$/.exec(manifest.scripts.package ?? '');
    assert.ok(command, `scripts.package runs vsce package: ${manifest.scripts.package}`);
    const args = command[1]!.split(/\s+/).filter(Boolean);
    const result = spawnSync(process.execPath, [VSCE, 'package', ...args], { cwd: work, encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.status, 0, `vsce package failed:\n${result.stdout}\n${result.stderr}`);
    const out = args[args.indexOf('--out') + 1] ?? '';
    entries = readZip(await readFile(join(work, out)));
  });

  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('builds for production first and packages without dependencies (esbuild bundles them)', () => {
    assert.match(manifest.scripts.package ?? '', /^npm run build:production && vsce package /);
    assert.match(manifest.scripts.package ?? '', /--no-dependencies/);
  });

  it('holds only the bundles, the manifest and the metadata files', () => {
    const expected = new Set([
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/dist/client.js',
      'extension/dist/server.js',
      'extension/dist/cli.js',
      'extension/LICENSE.txt',
      'extension/changelog.md',
    ]);
    if (existsSync(join(ROOT, 'README.md'))) expected.add('extension/readme.md');
    if (manifest.icon) expected.add(`extension/${manifest.icon}`);
    assert.deepEqual(entries.map((entry) => entry.name).sort(), [...expected].sort());
  });

  it('ships the entry point the manifest names and the server it starts', () => {
    const names = entries.map((entry) => entry.name);
    assert.ok(names.includes(`extension/${manifest.main.replace(/^\.\//, '')}`), `main ${manifest.main} is in the package`);
    const packaged = JSON.parse(entries.find((entry) => entry.name === 'extension/package.json')!.data.toString('utf8')) as { main: string; engines: { vscode: string } };
    assert.equal(packaged.main, manifest.main);
    assert.equal(packaged.engines.vscode, '^1.91.0');
  });
});
