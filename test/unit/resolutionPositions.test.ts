import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineIndex } from '../../shared/lineIndex';
import { PositionCursor } from '../../shared/resolutionPositions';

/** What LineIndex says, 1-based as the report has it. */
function expected(text: string, offset: number): { line: number; column: number } {
  const { line, character } = new LineIndex(text).positionAt(offset);
  return { line: line + 1, column: character + 1 };
}

function at(cursor: PositionCursor, offset: number): { line: number; column: number } {
  cursor.moveTo(offset);
  return { line: cursor.line, column: cursor.column };
}

describe('PositionCursor', () => {
  it('gives 1-based lines and UTF-16 columns across \\n, \\r\\n and a lone \\r, as LineIndex does', () => {
    const text = 'ab\ncd\r\nef\rgh\n🙂é{{x';
    const cursor = new PositionCursor(text);
    for (let offset = 0; offset <= text.length; offset++) assert.deepEqual(at(cursor, offset), expected(text, offset), `offset ${offset}`);
    assert.deepEqual(at(new PositionCursor(text), text.indexOf('{{')), { line: 5, column: 4 });
  });

  it('stays on the \\r line for an offset between \\r and \\n, then moves on', () => {
    const text = 'a\r\nb';
    const cursor = new PositionCursor(text);
    assert.deepEqual(at(cursor, 2), { line: 1, column: 3 });
    assert.deepEqual(at(cursor, 3), { line: 2, column: 1 });
  });

  it('answers offsets behind it, on its line and on earlier lines', () => {
    const text = 'one\ntwo\nthree\nfour';
    const cursor = new PositionCursor(text);
    assert.deepEqual(at(cursor, 16), { line: 4, column: 3 });
    assert.deepEqual(at(cursor, 14), { line: 4, column: 1 });
    assert.deepEqual(at(cursor, 5), { line: 2, column: 2 });
    assert.deepEqual(at(cursor, 0), { line: 1, column: 1 });
    // And forward again from where it was.
    assert.deepEqual(at(cursor, 18), { line: 4, column: 5 });
  });

  it('clamps offsets before the start and past the end, as LineIndex does', () => {
    const text = 'one\ntwo';
    assert.deepEqual(at(new PositionCursor(text), -5), expected(text, -5));
    assert.deepEqual(at(new PositionCursor(text), 999), expected(text, 999));
    assert.deepEqual(at(new PositionCursor(text), Number.NaN), expected(text, Number.NaN));
    assert.deepEqual(at(new PositionCursor(text), 5.7), expected(text, 5.7));
  });

  it('agrees with LineIndex for any text and any order of offsets', () => {
    const textArb = fc.string({ unit: fc.constantFrom('a', 'é', '🙂', '\n', '\r', '\r\n', ' '), maxLength: 60 });
    fc.assert(
      fc.property(
        textArb.chain((text) => fc.tuple(fc.constant(text), fc.array(fc.integer({ min: -2, max: text.length + 2 }), { maxLength: 20 }), fc.boolean())),
        ([text, offsets, sorted]) => {
          const cursor = new PositionCursor(text);
          const lines = new LineIndex(text);
          // Mostly ascending, as a resolution asks; sometimes in any order.
          for (const offset of sorted ? [...offsets].sort((a, b) => a - b) : offsets) {
            const { line, character } = lines.positionAt(offset);
            assert.deepEqual(at(cursor, offset), { line: line + 1, column: character + 1 });
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
