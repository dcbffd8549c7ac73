import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LspTestClient } from '../test/helpers/lspClient';
import { parseWorkflow } from '../shared/workflowParser';
(async () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'ws1k-'));
  for (let i = 0; i < 1000; i++) {
    let y = `name: w${i}\nnodes:\n`;
    for (let n = 0; n < 10; n++) y += `  - id: n${n}\n    type: http\n    config:\n      url: https://x/${n}\n      auth: "Bearer {{secrets.s${(i + n) % 50}.token}}"\n`;
    writeFileSync(path.join(ws, `f${i}.workflow.yaml`), y);
  }
  for (let k = 0; k < 3; k++) {
    let s = performance.now();
    for (const f of readdirSync(ws)) parseWorkflow(readFileSync(path.join(ws, f), 'utf8'), 'yaml');
    const bare = performance.now() - s;
    const client = await LspTestClient.start({ workspace: ws, initializationOptions: { selfCatalog: false }, timeoutMs: 120000 });
    await client.sendCatalog({ state: 'ready', environment: 'default', secrets: Array.from({ length: 50 }, (_, i) => ({ name: `s${i}`, type: 'custom', description: '', tags: [], fields: ['token'], source: { kind: 'local' } })) });
    await client.waitForUsage(() => true);
    const t = Object.fromEntries(client.logs.filter((l) => l.startsWith('T ')).map((l) => [l.slice(2, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ')))]));
    console.log('bare', Math.round(bare), 'init', t.initialize, 'scan', t['scan done'] - t.found, 'total from init', t['scan done'] - t.initialize);
    await client.shutdown();
  }
})();
