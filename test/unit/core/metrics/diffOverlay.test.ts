/** diffOverlayFor: one image's changes with their old and new geometry, read from the two documents on demand. */
import * as assert from 'node:assert/strict';
import { diffDocuments, diffOverlayFor } from '../../../../src/core/metrics/diff';
import { box, CATS, doc, image, poly, type Coco } from './match/helpers';

describe('diffOverlayFor (viewer diff mode)', () => {
  const rle = { size: [100, 100], counts: 'PPYo1' };
  const old: Coco = {
    images: [image(1), image(2)],
    categories: CATS,
    annotations: [
      poly(1, 1, 1, [10, 10, 20, 20]), // moved
      box(2, 1, 1, [50, 50, 10, 10]), // relabelled car → truck
      box(3, 1, 3, [70, 5, 10, 10], { segmentation: rle }), // removed (RLE)
      box(4, 2, 1, [0, 0, 5, 5]), // image 2: unchanged
    ],
  };
  const next: Coco = structuredClone(old);
  next.annotations = [
    poly(1, 1, 1, [14, 12, 20, 20]),
    box(2, 1, 2, [50, 50, 10, 10]),
    poly(5, 1, 3, [80, 80, 10, 15]), // added
    box(4, 2, 1, [0, 0, 5, 5]),
  ];
  const OLD = doc(old), NEW = doc(next);
  const result = diffDocuments(OLD, NEW);

  it('gives the moved box, the relabel, the added and the removed annotation with the geometry from the files', () => {
    const changes = diffOverlayFor(OLD, NEW, result, 1);
    const sorted = [...changes].sort((a, b) => `${a.kind}${a.label}`.localeCompare(`${b.kind}${b.label}`));
    assert.deepEqual(sorted, [
      { kind: 'added', new: { bbox: [80, 80, 10, 15], segmentation: [[80, 80, 90, 80, 90, 95, 80, 95]] }, label: 'person' },
      { kind: 'changed', old: { bbox: [10, 10, 20, 20], segmentation: [[10, 10, 30, 10, 30, 30, 10, 30]] }, new: { bbox: [14, 12, 20, 20], segmentation: [[14, 12, 34, 12, 34, 32, 14, 32]] }, label: sorted[1].label },
      { kind: 'changed', old: { bbox: [50, 50, 10, 10] }, new: { bbox: [50, 50, 10, 10] }, label: 'car → truck' },
      { kind: 'removed', old: { bbox: [70, 5, 10, 10], segmentation: rle }, label: 'person' },
    ]);
    assert.match(sorted[1].label!, /^1: moved \(IoU 0\.\d\d\)$/);
  });

  it('takes the perImage entry itself, and gives nothing for an unchanged or unknown image', () => {
    const im = result.perImage.find((i) => i.imageId === 1)!;
    assert.deepEqual(diffOverlayFor(OLD, NEW, result, im), diffOverlayFor(OLD, NEW, result, 1));
    assert.deepEqual(diffOverlayFor(OLD, NEW, result, 2), []);
    assert.deepEqual(diffOverlayFor(OLD, NEW, result, 99), []);
  });
});
