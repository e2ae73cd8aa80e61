import * as assert from 'node:assert/strict';
import { fillHoles, keepLargestComponent } from '../../../../src/core/sam/maskCleanup';

/** Rows of '#' (1) and '.' (0) as a mask. */
const grid = (rows: string[]) => ({ mask: Uint8Array.from(rows.join('').split('').map((c) => (c === '#' ? 1 : 0))), width: rows[0].length, height: rows.length });
const show = (m: Uint8Array, w: number) => Array.from({ length: m.length / w }, (_, y) => Array.from(m.subarray(y * w, y * w + w)).map((v) => (v ? '#' : '.')).join(''));

describe('core/sam: mask clean-up', () => {
  it('keeps the largest 8-connected part (diagonal neighbours join)', () => {
    const g = grid([
      '##....#',
      '##...#.',
      '..#....',
      '......#',
    ]);
    assert.deepEqual(show(keepLargestComponent(g.mask, g.width, g.height), g.width), [
      '##.....',
      '##.....',
      '..#....',
      '.......',
    ]);
    assert.deepEqual(Array.from(keepLargestComponent(new Uint8Array(6), 3, 2)), [0, 0, 0, 0, 0, 0]);
  });

  it('fills holes the border cannot reach (4-connected), leaves open bays', () => {
    const g = grid([
      '#####..',
      '#...#..',
      '#.#.#.#',
      '#####.#',
      '......#',
    ]);
    assert.deepEqual(show(fillHoles(g.mask, g.width, g.height), g.width), [
      '#####..',
      '#####..',
      '#####.#',
      '#####.#',
      '......#',
    ]);
  });
});
