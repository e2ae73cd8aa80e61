/**
 * The one shared pass over the annotations (annotationFields.ts) that the rules test before they
 * read an annotation again: each column must say exactly what reading the value says, since a
 * rule skips every annotation its column clears. Checked on values of every JSON type, NaN and
 * Infinity patched in by the parser, -0, ids as numbers and as strings, and against schema.ts'
 * typeMismatch for every field type; categoryCounts from the slots against the document's own
 * per-category count.
 */
import * as assert from 'node:assert/strict';
import { parseCoco } from '../../../../src/core/coco/parse';
import { CocoDocument, isJsonObject, type JsonObject } from '../../../../src/core/coco/document';
import {
  A_CROWD_ONE, A_CROWD_ZERO, A_IMAGE_KNOWN, A_OBJECT, B_NUMERIC, B_WH_NUMBERS, FIELD_SHIFT, MISFIT,
  T_ABSENT, T_ARRAY, T_FALSE, T_INTEGER, T_NON_FINITE, T_NULL, T_NUMBER, T_OBJECT, T_STRING, T_TRUE,
  annotationFields, fieldType, typeCode, type AnnotationField,
} from '../../../../src/core/ruleKit/annotationFields';
import { categoryCounts, isNumericBbox } from '../../../../src/core/ruleKit/datasetStats';
import { FirstIndexByString, IdSet, IdSlots } from '../../../../src/core/ruleKit/idSlots';
import { typeMismatch, type FieldType } from '../../../../src/core/ruleKit/schema';

/** Values of every kind a field may hold, as JSON text (NaN and Infinity as Python writes them). */
const VALUES = ['0', '-0', '1', '2', '7', '-3', '1.5', '1e300', 'NaN', 'Infinity', '-Infinity', '"1"', '"7"', '""', '" 12 "', '"abc"',
  'null', 'true', 'false', '[]', '[1, 2, 3, 4]', '[1, 2, 3]', '[1, 2, NaN, 4]', '[1, "2", 3, 4]', '[null, null, 3, 4]', '[0, 0, -1, 5]', '{}', '{"a": 1}'];

/** A small deterministic generator (the same document every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

const FIELDS = Object.keys(FIELD_SHIFT) as AnnotationField[];

/** Annotations whose fields take every value above, in many combinations, some fields absent, some elements not objects. */
function variedText(count: number): string {
  const rand = lcg(9);
  const anns: string[] = [];
  for (let k = 0; k < count; k++) {
    if (k % 37 === 5) { anns.push(['1', '"x"', 'null', '[1]'][k % 4]); continue; }
    const members: string[] = [];
    for (const f of FIELDS) {
      if (rand() < 0.15) continue; // absent
      members.push(`"${f}": ${VALUES[Math.floor(rand() * VALUES.length)]}`);
    }
    anns.push(`{${members.join(', ')}}`);
  }
  const images = ['{"id": 1}', '{"id": 7, "width": 5}', '{"id": "7"}', '{"id": 0}', '[2]', '{"id": 1.5}', '{"id": null}', '{"id": 1e300}'];
  const categories = ['{"id": 2, "name": "two"}', '{"id": 1}', '{"id": "1", "name": "one"}', '{"id": 2, "name": "again"}', '7', '{"id": -3, "name": 5}'];
  return `{"images": [${images.join(', ')}], "annotations": [${anns.join(', ')}], "categories": [${categories.join(', ')}]}`;
}

function docOf(text: string): CocoDocument {
  return parseCoco(new TextEncoder().encode(text));
}

describe('ruleKit annotationFields (the shared pass over the annotations)', () => {
  it('types each JSON value as typeCode says', () => {
    const cases: [unknown, number][] = [
      [undefined, T_ABSENT], [0, T_INTEGER], [-0, T_INTEGER], [3, T_INTEGER], [1e300, T_INTEGER], [1.5, T_NUMBER], [-0.25, T_NUMBER],
      [NaN, T_NON_FINITE], [Infinity, T_NON_FINITE], [-Infinity, T_NON_FINITE], ['', T_STRING], ['1', T_STRING],
      [[], T_ARRAY], [[1], T_ARRAY], [{}, T_OBJECT], [null, T_NULL], [true, T_TRUE], [false, T_FALSE],
    ];
    for (const [value, code] of cases) assert.equal(typeCode(value), code, `typeCode(${String(value)})`);
  });

  it('MISFIT says what typeMismatch says, for every field type and kind of value', () => {
    const values: unknown[] = [0, -0, 3, 1e300, 1.5, NaN, Infinity, -Infinity, '', '12', ' 12 ', 'abc', '1.5', [], [1], {}, null, true, false];
    const types: FieldType[] = ['id', 'integer', 'positive-number', 'number', 'string', 'array', 'object'];
    for (const type of types) {
      for (const value of values) {
        const misfit = ((MISFIT[type] >>> typeCode(value)) & 1) === 1;
        assert.equal(misfit, typeMismatch(value, type) !== undefined, `${type} vs ${JSON.stringify(value)}`);
      }
      assert.equal((MISFIT[type] >>> T_ABSENT) & 1, 0, `${type}: an absent field is never a wrong type`);
    }
  });

  it('each column says what reading the annotation says', () => {
    const doc = docOf(variedText(3000));
    const f = annotationFields(doc);
    const entries = doc.annotationEntries;
    assert.equal(f.count, entries.length);
    const imageIds = new Set(doc.imageEntries.map((e) => e.value).filter(isJsonObject).map((v) => v.id).filter((id) => typeof id === 'number' || typeof id === 'string'));
    const knownCategories = new Map<unknown, number>();
    for (const e of doc.categoryEntries) {
      const id = isJsonObject(e.value) ? e.value.id : undefined;
      if ((typeof id === 'number' || typeof id === 'string') && !knownCategories.has(id)) knownCategories.set(id, knownCategories.size);
    }
    assert.equal(f.categoryKeyCount, knownCategories.size);
    assert.deepEqual(f.categoryRows.map((r) => r.id), [...knownCategories.keys()]);
    const slotOfUnknown = new Map<unknown, number>();
    const seen = { nonObjects: 0, crowdOne: 0, unknownImage: 0, unknownCategory: 0, numericBoxes: 0 };
    for (let a = 0; a < entries.length; a++) {
      const v = entries[a].value;
      const t = f.types[a];
      if (!isJsonObject(v)) {
        seen.nonObjects++;
        assert.equal(t, 0, `non-object ${a}`);
        assert.equal(f.categorySlot[a], -1);
        assert.equal(f.boxFlags[a], 0);
        continue;
      }
      assert.notEqual(t & A_OBJECT, 0);
      for (const field of FIELDS) assert.equal(fieldType(t, field), typeCode(v[field]), `${a}.${field}`);
      if (typeof v.id === 'number') assert.ok(Object.is(f.id[a], v.id) || (Number.isNaN(v.id) && Number.isNaN(f.id[a])), `id ${a}`);
      if (typeof v.area === 'number') assert.ok(Object.is(f.area[a], v.area) || (Number.isNaN(v.area) && Number.isNaN(f.area[a])), `area ${a}`);
      const imageId = v.image_id;
      const known = (typeof imageId === 'number' || typeof imageId === 'string') && imageIds.has(imageId);
      assert.equal((t & A_IMAGE_KNOWN) !== 0, known, `image known ${a}: ${JSON.stringify(imageId)}`);
      if (!known && (typeof imageId === 'number' || typeof imageId === 'string')) seen.unknownImage++;
      assert.equal((t & A_CROWD_ZERO) !== 0, v.iscrowd === 0);
      assert.equal((t & A_CROWD_ONE) !== 0, v.iscrowd === 1);
      if (v.iscrowd === 1) seen.crowdOne++;
      const c = v.category_id;
      if (typeof c === 'number' || typeof c === 'string') {
        const slot = f.categorySlot[a];
        if (knownCategories.has(c)) assert.equal(slot, knownCategories.get(c), `category slot ${a}`);
        else {
          seen.unknownCategory++;
          assert.ok(slot >= f.categoryKeyCount, `unknown category ${JSON.stringify(c)} gets a slot past the known ones`);
          if (!slotOfUnknown.has(c)) slotOfUnknown.set(c, slot);
          assert.equal(slot, slotOfUnknown.get(c), 'one slot per unknown id');
        }
      } else assert.equal(f.categorySlot[a], -1);
      const b = v.bbox;
      assert.equal((f.boxFlags[a] & B_NUMERIC) !== 0, isNumericBbox(b), `bbox ${JSON.stringify(b)}`);
      const whNumbers = Array.isArray(b) && b.length === 4 && typeof b[2] === 'number' && typeof b[3] === 'number';
      assert.equal((f.boxFlags[a] & B_WH_NUMBERS) !== 0, whNumbers);
      if (whNumbers) {
        const bb = b as number[];
        assert.ok(Object.is(f.w[a], bb[2]) || (Number.isNaN(bb[2]) && Number.isNaN(f.w[a])));
        assert.ok(Object.is(f.h[a], bb[3]) || (Number.isNaN(bb[3]) && Number.isNaN(f.h[a])));
      }
      if (isNumericBbox(b)) { seen.numericBoxes++; assert.deepEqual([f.x[a], f.y[a], f.w[a], f.h[a]], b); }
    }
    // The document really has each case the rules' filters depend on.
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 10, `${what}: ${n}`);
  });

  it('categoryCounts from the category slots equals the document\'s own count per category', () => {
    const text = variedText(3000);
    const counted = categoryCounts(docOf(text));
    // A document that answers counts itself is asked (the editor's lazy document does): the reference.
    class Asked extends CocoDocument {
      override annotationCountOfCategory(id: number | string): number { return super.annotationCountOfCategory(id); }
    }
    const plain = docOf(text);
    const asked = new Asked({
      bytes: plain.bytes, rootKind: plain.rootKind, sections: plain.sections as Map<string, never>, parseIssues: [],
      images: [...plain.imageEntries], annotations: [...plain.annotationEntries], categories: [...plain.categoryEntries], licenses: [],
    });
    const reference = categoryCounts(asked);
    assert.deepEqual(counted, reference);
    assert.ok(reference.some((r) => r.count > 0) && reference.length >= 3, JSON.stringify(reference));
  });

  it('IdSlots and IdSet key ids as a Map and a Set do', () => {
    const ids: (number | string)[] = [0, -0, 1, '1', 7, 1.5, NaN, -1, 2 ** 31, 2 ** 32 + 1, 1e300, '', 'a', 5_000_000, 40_000_000, 7, 'a', NaN];
    const slots = new IdSlots(4);
    const set = new IdSet(4);
    const map = new Map<number | string, number>();
    const ref = new Set<number | string>();
    for (const id of ids) {
      if (!map.has(id)) map.set(id, map.size);
      assert.equal(slots.add(id), map.get(id), `add ${String(id)}`);
      set.add(id);
      ref.add(id);
    }
    assert.equal(slots.size, map.size);
    for (const id of [...ids, 2, '0', 3.5, -0.5, 6_000_000, 'b']) {
      assert.equal(slots.get(id), map.get(id) ?? -1, `get ${String(id)}`);
      assert.equal(set.has(id), ref.has(id), `has ${String(id)}`);
    }
  });

  it('FirstIndexByString gives the first index per string, as a Map does, past its expected size', () => {
    const rand = lcg(3);
    const strings: string[] = [];
    for (let k = 0; k < 5000; k++) strings.push(rand() < 0.3 && k > 0 ? strings[Math.floor(rand() * k)] : `${Math.floor(rand() * 1e6)}.jpg`);
    strings.push('', 'é', '\u{1F600}', 'a'.repeat(300));
    const index = new FirstIndexByString(10, (i) => strings[i]); // grows from 32 slots
    const map = new Map<string, number>();
    let duplicates = 0;
    strings.forEach((s, i) => {
      const first = index.firstOr(s, i);
      if (!map.has(s)) map.set(s, i); else duplicates++;
      assert.equal(first, map.get(s), `${JSON.stringify(s)} at ${i}`);
    });
    assert.ok(duplicates > 1000, `${duplicates} duplicates`);
  });

  it('reads nothing but objects: a non-object annotation has no bits at all', () => {
    const doc = docOf('{"images": [], "annotations": [3, "a", null, [1], {"id": 1}], "categories": []}');
    const f = annotationFields(doc);
    assert.deepEqual([...f.types.slice(0, 4)], [0, 0, 0, 0]);
    assert.equal(f.types[4], A_OBJECT | T_INTEGER);
    assert.equal(((doc.annotationEntries[4].value as JsonObject).id), 1);
  });
});
