import * as assert from 'node:assert/strict';
import { polygonSelfIntersects } from '../../../../src/core/geometry';
import { selfIntersects } from '../../../../src/core/rules/polygonSelfIntersecting';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/polygon-self-intersecting';

function text(segmentation: unknown): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: [annotation(11, 1, 1, [0, 0, 10, 10], { segmentation })],
    categories: [category(1, 'cat')],
  }));
}

/** A star-ish polygon with n vertices on a circle; `cross` swaps two vertices so two edges cross. */
function ring(n: number, cross: boolean): number[] {
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    p.push(Math.round((200 + 100 * Math.cos(a)) * 100) / 100, Math.round((200 + 100 * Math.sin(a)) * 100) / 100);
  }
  if (cross) {
    [p[20], p[22]] = [p[22], p[20]];
    [p[21], p[23]] = [p[23], p[21]];
  }
  return p;
}

describe(RULE, () => {
  it('reports a bow-tie at the polygon', () => {
    const t = text([[0, 0, 10, 10, 10, 0, 0, 10]]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[[0, 0, 10, 10, 10, 0, 0, 10]]', '[0'));
  });

  it('says nothing about a square or a zero-area polygon (polygon-zero-area reports it)', () => {
    assert.deepEqual(checkText(text([[0, 0, 10, 0, 10, 10, 0, 10]]), RULE).problems, []);
    assert.deepEqual(checkText(text([[0, 0, 10, 10, 5, 5]]), RULE).problems, []);
  });

  it('checks large polygons through the sweep, and skips those over maxVertices', () => {
    assert.equal(checkText(text([ring(120, true)]), RULE).problems.length, 1);
    assert.deepEqual(checkText(text([ring(120, false)]), RULE).problems, []);
    assert.deepEqual(checkText(text([ring(120, true)]), RULE, { maxVertices: 100 }).problems, []);
  });

  it('sweep answers exactly like geometry polygonSelfIntersects', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let it = 0; it < 20000; it++) {
      const k = 3 + Math.floor(rnd() * 8);
      const p: number[] = [];
      for (let i = 0; i < 2 * k; i++) p.push(Math.floor(rnd() * 5));
      assert.equal(selfIntersects(p), polygonSelfIntersects(p), JSON.stringify(p));
    }
    for (let it = 0; it < 3000; it++) {
      // Above 64 vertices the sweep runs: near-convex rings with a few random jolts.
      const p = ring(65 + Math.floor(rnd() * 60), false);
      for (let k = 0; k < 3; k++) p[Math.floor(rnd() * p.length)] += Math.round((rnd() - 0.5) * 40);
      assert.equal(selfIntersects(p), polygonSelfIntersects(p), JSON.stringify(p));
    }
    for (const cross of [true, false]) assert.equal(selfIntersects(ring(300, cross)), polygonSelfIntersects(ring(300, cross)));
  });

  it('finds outlines that touch themselves: a vertex visited twice, an edge run twice, a vertex on another edge', () => {
    const touching: Record<string, number[]> = {
      'vertex visited twice (pinch)': [10, 10, 30, 30, 50, 10, 50, 50, 30, 30, 10, 50],
      'keyhole: an edge run there and back': [10, 10, 50, 10, 50, 50, 30, 50, 30, 30, 30, 50, 10, 50],
      'the whole outline run twice': [10, 10, 50, 10, 50, 50, 10, 50, 10, 10, 50, 10, 50, 50, 10, 50],
      'collinear overlapping edges': [10, 10, 50, 10, 50, 30, 30, 30, 30, 10, 20, 10, 20, 40, 10, 40],
      'a vertex on another edge': [10, 10, 50, 10, 50, 50, 30, 10, 10, 50],
    };
    for (const [name, poly] of Object.entries(touching)) {
      const { problems } = checkText(text([poly]), RULE);
      assert.equal(problems.length, 1, name);
      assert.match(problems[0].message, /crosses or touches itself/, name);
      assert.equal(selfIntersects(poly), true, name);
    }
    // Above 64 vertices (the sweep): a ring whose first vertex is visited again halfway.
    const big = ring(100, false);
    big.splice(100, 0, big[0], big[1]);
    assert.equal(checkText(text([big]), RULE).problems.length, 1);
  });
});
