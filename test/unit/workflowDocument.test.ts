import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentMirrors } from '../../server/documentMirrors';
import { DocumentSync } from '../../server/documentSync';
import { PieceText } from '../../server/pieceText';
import { WorkflowDocument } from '../../server/workflowDocument';

/** Far more than one piece (16K units), so edits cross piece boundaries. */
const BIG = Array.from({ length: 3000 }, (_, index) => `  - id: n${index}\r\n    note: "Étape ${index} 🙂"\n    x: y\r`).join('');
const TOKENS = ['\n', '\r\n', '\r', 'a', 'é', '🙂', '{{secrets.a.b}}', '  ', 'x'.repeat(40_000)];

const change = fc.record({
  full: fc.nat({ max: 30 }).map((n) => n === 0),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  // Ranges that end before they start and ones past the end are both allowed by the protocol's clients.
  span: fc.integer({ min: -300, max: 60_000 }),
  text: fc.array(fc.constantFrom(...TOKENS), { maxLength: 3 }).map((parts) => parts.join('')),
  character: fc.integer({ min: -2, max: 400 }),
});

function toChange(reference: TextDocument, step: { full: boolean; at: number; span: number; text: string; character: number }): TextDocumentContentChangeEvent {
  if (step.full) return { text: step.text + reference.getText().slice(0, 500) };
  const start = reference.positionAt(Math.floor(step.at * reference.getText().length));
  // Sometimes a character past the line's end, as a client may send.
  const end = step.character > 300 ? { line: start.line, character: step.character } : reference.positionAt(reference.offsetAt(start) + step.span);
  return { range: { start, end }, text: step.text };
}

function assertSame(ours: WorkflowDocument, reference: TextDocument, probes: number[]): void {
  const text = reference.getText();
  assert.equal(ours.getText(), text);
  assert.equal(ours.lineCount, reference.lineCount);
  for (const fraction of probes) {
    const offset = Math.floor(fraction * (text.length + 4)) - 2;
    const position = reference.positionAt(offset);
    assert.deepEqual(ours.positionAt(offset), position);
    for (const probe of [position, { line: position.line, character: position.character + 3 }, { line: position.line + 1, character: -1 }, { line: reference.lineCount + 2, character: 0 }]) {
      assert.equal(ours.offsetAt(probe), reference.offsetAt(probe));
    }
    const range = { start: position, end: { line: position.line + 2, character: 1 } };
    assert.equal(ours.getText(range), reference.getText(range));
    assert.deepEqual(ours.getLineRange(position.line), reference.getLineRange(position.line));
    assert.equal(ours.getEOLCharacters(position.line), reference.getEOLCharacters(position.line));
  }
}

describe('WorkflowDocument', () => {
  it('behaves as vscode-languageserver-textdocument under random incremental and full changes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 25 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 6 }), (batches, probes) => {
        const reference = TextDocument.create('file:///w.workflow.yaml', 'yaml', 1, BIG);
        const ours = new WorkflowDocument('file:///w.workflow.yaml', 'yaml', 1, BIG);
        let version = 1;
        for (const batch of batches) {
          // Each change of a batch is positioned in the text left by the ones before it, as LSP says.
          const changes: TextDocumentContentChangeEvent[] = [];
          const scratch = TextDocument.create(reference.uri, 'yaml', version, reference.getText());
          for (const step of batch) {
            const next = toChange(scratch, step);
            changes.push(next);
            TextDocument.update(scratch, [next], version);
          }
          version++;
          TextDocument.update(reference, changes, version);
          ours.update(changes, version);
          assert.equal(ours.version, version);
          assertSame(ours, reference, probes);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps line positions right when an edit joins \\r and \\n across its boundary', () => {
    const reference = TextDocument.create('u', 'yaml', 1, 'a\rb\nc');
    const ours = new WorkflowDocument('u', 'yaml', 1, 'a\rb\nc');
    const changes = [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, text: '' }];
    TextDocument.update(reference, changes, 2);
    ours.update(changes, 2);
    assert.equal(ours.getText(), 'a\r\nc');
    assert.equal(ours.lineCount, 2);
    assertSame(ours, reference, [0, 0.3, 0.6, 1]);
  });
});

describe('PieceText', () => {
  it('reads and replaces like a string, across piece boundaries', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 120_000 }), fc.nat({ max: 40_000 }), fc.constantFrom('', 'ab', '🙂', 'z'.repeat(50_000)))), (edits) => {
        let expected = BIG;
        const text = new PieceText(BIG);
        for (const [start, length, insert] of edits) {
          const from = Math.min(start, expected.length);
          const to = Math.min(from + length, expected.length);
          expected = expected.slice(0, from) + insert + expected.slice(to);
          text.replace(from, to, insert);
          assert.equal(text.length, expected.length);
          assert.equal(text.slice(from, from + 20_000), expected.slice(from, from + 20_000));
          assert.equal(text.charCodeAt(from), expected.charCodeAt(from));
        }
        assert.ok(Number.isNaN(text.charCodeAt(expected.length)));
        assert.equal(text.toString(), expected);
      }),
      { numRuns: 40 },
    );
  });
});

describe('document copies in the validation worker', () => {
  it('follow the document through edits alone, and through the whole text when the edit log gave up or was lost', () => {
    const document = new WorkflowDocument('file:///a.workflow.yaml', 'yaml', 1, BIG);
    const sync = new DocumentSync();
    const mirrors = new DocumentMirrors();
    const catchUp = (): string | undefined => {
      const update = sync.updateFor('a', document);
      if (update) mirrors.apply(update);
      return update?.kind;
    };
    assert.equal(catchUp(), 'text');
    assert.equal(catchUp(), undefined, 'nothing to send when the copy is current');
    let version = 1;
    const edit = (text: string, line = 5): void => {
      document.update([{ range: { start: { line, character: 2 }, end: { line, character: 4 } }, text }], ++version);
    };
    edit('{{secrets.x.y}}');
    edit('\r\n🙂', 900);
    assert.equal(catchUp(), 'edits');
    assert.equal(mirrors.textOf('a', document.revision), document.getText());

    // A paste bigger than a quarter of the text: the log gives up, the whole text goes.
    edit('p'.repeat(BIG.length));
    assert.equal(catchUp(), 'text');
    assert.equal(mirrors.textOf('a', document.revision), document.getText());

    // A copy that lost step (a new worker) is detected, not used: it asks for the whole text.
    const fresh = new DocumentMirrors();
    edit('q');
    const update = sync.updateFor('a', document);
    assert.equal(update?.kind, 'edits');
    if (update) fresh.apply(update);
    assert.equal(fresh.textOf('a', document.revision), undefined);
    sync.forget('a');
    const again = sync.updateFor('a', document);
    assert.equal(again?.kind, 'text');
    if (again) fresh.apply(again);
    assert.equal(fresh.textOf('a', document.revision), document.getText());

    // Closing drops the copy; a document opened again under the same key starts from its whole text.
    const closed = sync.closed('a');
    assert.equal(closed?.update.kind, 'closed');
    if (closed) mirrors.apply(closed.update);
    assert.equal(mirrors.textOf('a', document.revision), undefined);
    const reopened = new WorkflowDocument('file:///a.workflow.yaml', 'yaml', 1, 'nodes: []\n');
    assert.equal(sync.updateFor('a', reopened)?.kind, 'text');
  });
});
