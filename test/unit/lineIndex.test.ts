import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../shared/lineIndex';

describe('LineIndex', () => {
  it('maps offsets to zero-based lines and UTF-16 characters across \\n, \\r\\n and lone \\r', () => {
    const text = 'ab\ncd\r\nef\rgh';
    const lines = new LineIndex(text);
    assert.equal(lines.lineCount, 4);
    assert.deepEqual(lines.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(lines.positionAt(2), { line: 0, character: 2 });
    assert.deepEqual(lines.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(lines.positionAt(7), { line: 2, character: 0 });
    assert.deepEqual(lines.positionAt(10), { line: 3, character: 0 });
    assert.deepEqual(lines.positionAt(12), { line: 3, character: 2 });
  });

  it('counts characters in UTF-16 code units, as LSP does (an emoji is two)', () => {
    const text = 'x\n🙂é{{';
    const lines = new LineIndex(text);
    assert.deepEqual(lines.positionAt(text.indexOf('{{')), { line: 1, character: 3 });
    assert.equal(lines.offsetAt({ line: 1, character: 3 }), text.indexOf('{{'));
  });

  it('clamps offsets before the start and past the end', () => {
    const lines = new LineIndex('one\ntwo');
    assert.deepEqual(lines.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(lines.positionAt(999), { line: 1, character: 3 });
    assert.deepEqual(lines.positionAt(Number.NaN), { line: 0, character: 0 });
  });

  it('turns positions back into offsets, clamping lines past the end and characters past a line end', () => {
    const text = 'one\r\ntwo\nthree';
    const lines = new LineIndex(text);
    assert.equal(lines.offsetAt({ line: 1, character: 1 }), 6);
    assert.equal(lines.offsetAt({ line: 0, character: 50 }), 3, 'stops before the \\r\\n');
    assert.equal(lines.offsetAt({ line: 9, character: 0 }), text.length);
    assert.equal(lines.offsetAt({ line: -1, character: 4 }), 0);
    assert.equal(lines.lineEnd(1), 8);
    assert.equal(lines.lineStart(2), 9);
  });

  it('round-trips every offset of a mixed text', () => {
    const text = 'a\r\n\r\nb🙂\rc\n\nend';
    const lines = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const position = lines.positionAt(offset);
      // An offset between \r and \n is not a position of its own: it maps to the end of that line.
      const expected = text[offset - 1] === '\r' && text[offset] === '\n' ? offset - 1 : offset;
      assert.equal(lines.offsetAt(position), expected, `offset ${offset}`);
    }
  });

  it('has one line for an empty text and for a text without breaks', () => {
    assert.equal(new LineIndex('').lineCount, 1);
    assert.deepEqual(new LineIndex('').positionAt(0), { line: 0, character: 0 });
    assert.equal(new LineIndex('abc').lineCount, 1);
    assert.deepEqual(new LineIndex('a\n').rangeAt({ start: 0, end: 2 }), { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } });
  });
});
