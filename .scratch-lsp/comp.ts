import { readFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { completeReference } from '../server/completion';
const text = readFileSync('/tmp/lsps/big.workflow.yaml', 'utf8');
const doc = TextDocument.create('file:///x.workflow.yaml', 'yaml', 1, text);
const cat = { state: 'ready' as const, environment: 'default', secrets: Array.from({ length: 500 }, (_, i) => ({ name: `s${i}`, type: 'custom' as const, description: '', tags: [], fields: ['token', 'value'], source: { kind: 'local' as const } })) };
const line = 2 + 11 * 5000 + 6;
const l = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
const pos = { line, character: l.indexOf('secrets.') + 8 };
for (let i = 0; i < 5; i++) {
  const s = performance.now();
  let n = 0;
  for (let j = 0; j < 100; j++) n += completeReference(doc, doc.offsetAt(pos), 'yaml', cat).length;
  console.log((performance.now() - s) / 100, n / 100);
}
// inside a block scalar body line far from the indicator
const bl = 2 + 11 * 5000 + 9;
for (let i = 0; i < 3; i++) { const s = performance.now(); for (let j = 0; j < 100; j++) completeReference(doc, doc.offsetAt({ line: bl, character: 10 }), 'yaml', cat); console.log('block', (performance.now() - s) / 100); }
const nl = 2 + 11 * 5000 + 3;
for (let i = 0; i < 3; i++) { const s = performance.now(); for (let j = 0; j < 100; j++) completeReference(doc, doc.offsetAt({ line: nl, character: 10 }), 'yaml', cat); console.log('config line', (performance.now() - s) / 100); }
