/** Shared pieces of the host tests: a tiny COCO file, fixable test rules, waiting. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isJsonObject } from '../../src/core/coco/document';
import { replaceRange } from '../../src/core/edits/jsonEdits';
import type { Rule } from '../../src/core/ruleKit/types';

/** "area" must not be negative; fix: its absolute value. */
export const negativeArea: Rule = {
  id: 'coco/test-negative-area',
  defaultSeverity: 'error',
  description: 'test: negative area',
  why: 'test',
  check(ctx) {
    for (const e of ctx.doc.annotationEntries) {
      if (!isJsonObject(e.value) || typeof e.value.area !== 'number' || e.value.area >= 0) continue;
      ctx.report({ message: `Area ${e.value.area} is negative.`, at: ctx.place('annotations', e, ['area']), annotationId: e.value.id as number });
    }
  },
  fix(_doc, p) {
    return { title: 'Make the area positive', edits: [replaceRange(p, String(-Number(new TextDecoder().decode(_doc.bytes.subarray(p.start, p.end)))))] };
  },
};

/** "area" at most 1000; fix: halve it (4000 needs two passes: fix-all must converge). */
export const hugeArea: Rule = {
  id: 'coco/test-huge-area',
  defaultSeverity: 'warning',
  description: 'test: huge area',
  why: 'test',
  check(ctx) {
    for (const e of ctx.doc.annotationEntries) {
      if (!isJsonObject(e.value) || typeof e.value.area !== 'number' || e.value.area <= 1000) continue;
      ctx.report({ message: `Area ${e.value.area} is huge.`, at: ctx.place('annotations', e, ['area']) });
    }
  },
  fix(doc, p) {
    const v = Number(new TextDecoder().decode(doc.bytes.subarray(p.start, p.end)));
    return { title: 'Halve the area', edits: [replaceRange(p, String(v / 2))] };
  },
};

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-host-'));
}

/** A pretty-printed COCO file; `areas` gives one annotation per entry. */
export function cocoText(areas: number[], eol = '\n'): string {
  const coco = {
    images: [{ id: 1, file_name: 'a.jpg', width: 640, height: 480 }],
    annotations: areas.map((area, i) => ({ id: i + 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area, iscrowd: 0 })),
    categories: [{ id: 1, name: 'cat' }],
  };
  return JSON.stringify(coco, null, 2).replace(/\n/g, eol) + eol;
}

export async function waitFor<T>(fn: () => T | undefined | false, what = 'condition', timeoutMs = 5000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
