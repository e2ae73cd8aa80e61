import * as assert from 'node:assert/strict';
import { overlayItems, ringsOf, stepChange } from '../../../../webview-ui/src/reports/compare/diffOverlay';

describe('viewer diff overlay (items to draw)', () => {
  it('added → one "added" outline, removed → one dashed "removed", changed → old and new', () => {
    const items = overlayItems([
      { kind: 'added', new: { bbox: [0, 0, 10, 10] } },
      { kind: 'removed', old: { segmentation: [[0, 0, 5, 0, 5, 5]] } },
      { kind: 'changed', old: { bbox: [0, 0, 10, 10] }, new: { bbox: [5, 0, 10, 10] }, label: 'moved (IoU 0.33)' },
    ]);
    assert.deepEqual(items.map((i) => [i.role, i.index]), [['added', 0], ['removed', 1], ['old', 2], ['new', 2]]);
    assert.deepEqual(items[1].rings, [[0, 0, 5, 0, 5, 5]]);
    assert.deepEqual([items[2].centre, items[3].centre], [[5, 5], [10, 5]]);
  });

  it('a box is drawn as its rectangle; an RLE mask as its box; nothing readable → nothing', () => {
    assert.deepEqual(ringsOf({ bbox: [1, 2, 3, 4] }), [[1, 2, 4, 2, 4, 6, 1, 6]]);
    assert.deepEqual(ringsOf({ bbox: [1, 2, 3, 4], segmentation: { size: [10, 10], counts: 'abc' } }), [[1, 2, 4, 2, 4, 6, 1, 6]]);
    assert.deepEqual(ringsOf({ bbox: ['x'] as never }), []);
  });

  it('the walk keys wrap around', () => {
    assert.equal(stepChange(3, undefined, 1), 0);
    assert.equal(stepChange(3, undefined, -1), 2);
    assert.equal(stepChange(3, 2, 1), 0);
    assert.equal(stepChange(3, 0, -1), 2);
    assert.equal(stepChange(0, undefined, 1), undefined);
  });
});
