import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../../src/core/rules';
import { CONFIG_SCHEMA, DOCUMENTED_RULES, RULES_DOC, renderConfigSchema, renderRulesDoc } from '../../../scripts/gen-rules-doc';

describe('rules reference and config schema', () => {
  it('docs/rules.md is the generator\'s output (run `npx tsx scripts/gen-rules-doc.ts` after changing a rule)', () => {
    assert.equal(fs.readFileSync(RULES_DOC, 'utf8'), renderRulesDoc());
  });

  it('media/schemas/labelscope-config.schema.json is the generator\'s output', () => {
    assert.equal(fs.readFileSync(CONFIG_SCHEMA, 'utf8'), renderConfigSchema());
  });

  it('every rule id is coco/kebab-case and unique', () => {
    const ids = DOCUMENTED_RULES.map((r) => r.id);
    for (const id of ids) assert.match(id, /^coco\/[a-z0-9-]+$/);
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
  });

  it('every rule is documented with severity, why and fixable', () => {
    const doc = renderRulesDoc();
    for (const r of ALL_RULES) {
      assert.ok(doc.includes(`## ${r.id}\n`), r.id);
      assert.ok(r.description.length > 0 && r.why.length > 0, `${r.id} has description and why`);
    }
    assert.match(doc, /\| Rule \| Default severity \| Fixable \| Description \|/);
  });

  it('the config schema enumerates exactly the documented rules: every document rule, every image-health and duplicate check', () => {
    const schema = JSON.parse(renderConfigSchema());
    assert.deepEqual(schema.properties.rules.propertyNames.enum, DOCUMENTED_RULES.map((r) => r.id));
    assert.deepEqual(Object.keys(schema.properties.rules.properties), DOCUMENTED_RULES.map((r) => r.id));
    for (const id of ['coco/image-dark', 'coco/image-size-mismatch', 'coco/image-leakage', 'coco/duplicate-id']) assert.ok(schema.properties.rules.properties[id], id);
    assert.deepEqual(schema.properties.rules.properties[ALL_RULES[0].id].anyOf[0].enum, ['error', 'warning', 'info', 'off']);
  });

  it('the COCO schema is valid JSON with descriptions, and package.json contributes both schemas', () => {
    const root = path.resolve(__dirname, '../../..');
    const coco = JSON.parse(fs.readFileSync(path.join(root, 'media/schemas/coco.schema.json'), 'utf8'));
    for (const s of ['images', 'annotations', 'categories', 'info', 'licenses']) assert.ok(coco.properties[s].description, s);
    assert.ok(coco.definitions.annotation.properties.bbox.description);
    assert.ok(coco.definitions.category.properties.keypoints.description);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const jv = pkg.contributes.jsonValidation as { fileMatch: string | string[]; url: string }[];
    const cocoEntry = jv.find((j) => j.url === './media/schemas/coco.schema.json');
    assert.ok(cocoEntry);
    for (const m of ['instances_*.json', '*_coco.json', '*.coco.json', 'person_keypoints_*.json']) assert.ok(([] as string[]).concat(cocoEntry.fileMatch).includes(m), m);
    assert.ok(jv.some((j) => j.url === './media/schemas/labelscope-config.schema.json'));
    for (const c of ['labelscope.fixAll', 'labelscope.fixAllOfRule']) {
      const cmd = (pkg.contributes.commands as { command: string; title: string; category: string }[]).find((x) => x.command === c);
      assert.ok(cmd?.title && cmd.category === 'Labelscope', c);
    }
  });
});
