/**
 * Rule.usesFacts: the rules that read the shared facts run after the others (so facts made on
 * the scan worker have time to arrive), and the check's output does not depend on the order.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDocument } from '../../../../src/core/check';
import { ALL_RULES } from '../../../../src/core/rules';
import type { Rule } from '../../../../src/core/ruleKit/types';
import { parseText } from './helpers';

const RULES_DIR = join(__dirname, '../../../../src/core/rules');
/** What reading the facts looks like in a rule's source. */
const READS_FACTS = /\b(segmentationFacts|boxFacts|forEachFlaggedPolygon|forEachAnnotationOfKind|forEachRleSuspect|forEachNumericBox)\(/;

function fileOf(rule: Rule): string {
  const name = rule.id.replace(/^coco\//, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return join(RULES_DIR, `${name}.ts`);
}

const sample = {
  images: [{ id: 1, file_name: 'a.png', width: 10, height: 10 }, { id: 2, file_name: 'b.png', width: 10, height: 10 }],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], area: 40, iscrowd: 0, segmentation: [[1, 1, 3, 1, 3, 3, 1, 3]] },
    { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0, segmentation: [[1, 1, 3, 1, 3, 3, 1, 3]] },
    { id: 3, image_id: 7, category_id: '1', bbox: [0, 0, 0, 2], segmentation: [[0, 0, 5, 5, 0, 5, 5, 0]] },
  ],
  categories: [{ id: 1, name: 'cat' }],
};

describe('rule run order (usesFacts)', () => {
  it('every rule that reads the shared facts says so, and no other rule does', () => {
    let readers = 0;
    for (const rule of ALL_RULES) {
      let source: string;
      try { source = readFileSync(fileOf(rule), 'utf8'); } catch { continue; } // a rule file named otherwise
      const reads = READS_FACTS.test(source);
      if (reads) readers++;
      assert.equal(rule.usesFacts === true, reads, `${rule.id}: usesFacts ${rule.usesFacts} but ${reads ? 'reads' : 'does not read'} the facts`);
    }
    assert.ok(readers >= 15, `found ${readers} rules reading the facts`);
  });

  it('runs the fact readers last, and reports ruleMs in the rules\' own order', () => {
    const ran: string[] = [];
    const slow = (id: string, usesFacts: boolean): Rule => ({
      id, usesFacts, defaultSeverity: 'warning', description: id, why: id,
      check: () => { ran.push(id); const t = performance.now(); while (performance.now() - t < 2) { /* take ≥ 1 ms */ } },
    });
    const rules = [slow('t/a', true), slow('t/b', false), slow('t/c', true), slow('t/d', false)];
    const result = checkDocument(parseText(JSON.stringify(sample)), { rules });
    assert.deepEqual(ran, ['t/b', 't/d', 't/a', 't/c']);
    assert.deepEqual(Object.keys(result.summary.ruleMs), ['t/a', 't/b', 't/c', 't/d']);
  });

  it('the problems are those of the rules run in their listed order', () => {
    const doc = () => parseText(JSON.stringify(sample));
    const strip = (r: ReturnType<typeof checkDocument>) => ({ problems: r.problems, summary: { ...r.summary, ruleMs: Object.keys(r.summary.ruleMs) } });
    const reordered = strip(checkDocument(doc()));
    // The same rules with the flag cleared run in the listed order.
    const listed = strip(checkDocument(doc(), { rules: ALL_RULES.map((r) => ({ ...r, usesFacts: false })) }));
    assert.ok(reordered.problems.length >= 6, `${reordered.problems.length} problems`);
    assert.deepEqual(reordered.problems, listed.problems);
    assert.deepEqual(reordered.summary.byRule, listed.summary.byRule);
  });
});
