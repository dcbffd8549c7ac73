import { readFileSync, mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LspTestClient, fileUri } from '../test/helpers/lspClient';
(async () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'wsb-'));
  const file = path.join(ws, 'big.workflow.yaml');
  copyFileSync('/tmp/lsps/big.workflow.yaml', file);
  const text = readFileSync(file, 'utf8');
  const client = await LspTestClient.start({ workspace: ws, initializationOptions: { selfCatalog: false }, timeoutMs: 120000 });
  await client.sendCatalog({ state: 'ready', environment: 'default', secrets: Array.from({ length: 500 }, (_, i) => ({ name: `s${i}`, type: 'custom', description: '', tags: [], fields: ['token', 'value'], source: { kind: 'local' } })) });
  const uri = fileUri(file);
  let t0 = performance.now();
  await client.open(uri, text);
  await client.waitForDiagnostics(uri, () => true);
  console.log('first diagnostics', performance.now() - t0);
  const line = 2 + 11 * 5000 + 6;
  const lines = text.split('\n');
  console.log(lines[line]);
  const pos = { line, character: lines[line]!.indexOf('s', lines[line]!.indexOf('secrets.') + 8) };
  const times: number[] = [];
  const pending = client.nextDiagnostics(uri);
  await client.edit(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '#\n');
  const p2 = { line: pos.line + 1, character: pos.character };
  t0 = performance.now();
  let done = false; pending.then(() => (done = true));
  while (!done) {
    const s = performance.now();
    const items = await client.completion(uri, p2);
    times.push(performance.now() - s);
    if (items.length === 0) throw new Error('no items');
    if (times.at(-1)! > 15) console.log('slow', Math.round(performance.now() - t0), Math.round(times.at(-1)!));
  }
  console.log('revalidation took', performance.now() - t0, 'requests', times.length);
  times.sort((a, b) => a - b);
  console.log('p50', times[Math.floor(times.length * 0.5)], 'p95', times[Math.floor(times.length * 0.95)], 'max', times.at(-1));
  console.log(await client.shutdown());
})();
