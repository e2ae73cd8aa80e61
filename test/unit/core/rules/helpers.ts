/**
 * Helpers for rule tests: write a COCO file as text, check it with some rules,
 * find where a problem sits (line/column) and apply a rule's fix.
 *
 * Expected positions come from the text the test wrote (`positionOf(text, marker)`),
 * never from what the code returned.
 */
import * as assert from 'node:assert/strict';
import { parseCoco } from '../../../../src/core/coco/parse';
import type { CocoDocument } from '../../../../src/core/coco/document';
import { checkDocument } from '../../../../src/core/check';
import type { LabelscopeConfig } from '../../../../src/core/config';
import { applyByteEdits } from '../../../../src/core/edits/applyByteEdits';
import type { Problem } from '../../../../src/core/problems';
import { ruleById } from '../../../../src/core/rules';
import type { Fix } from '../../../../src/core/ruleKit/types';

/**
 * Pretty JSON the way many exporters write it: objects one member per line,
 * arrays of objects one element per line, arrays of plain values on one line.
 */
export function cocoText(value: unknown, indent = ''): string {
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.some((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) {
      return `[\n${value.map((v) => inner + cocoText(v, inner)).join(',\n')}\n${indent}]`;
    }
    return `[${value.map((v) => cocoText(v, inner)).join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${cocoText((value as Record<string, unknown>)[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // NaN, Infinity as Python writes them
  return JSON.stringify(value);
}

export function parseText(text: string): CocoDocument {
  return parseCoco(new TextEncoder().encode(text));
}

export interface Checked {
  doc: CocoDocument;
  problems: Problem[];
}

/** Check `text` with only `ruleId` (options merged over the rule's defaults). */
export function checkText(text: string, ruleId: string, options?: Record<string, unknown>): Checked {
  assert.ok(ruleById(ruleId), `no rule ${ruleId} registered`);
  const doc = parseText(text);
  const config: LabelscopeConfig | undefined = options ? { rules: { [ruleId]: { options } } } : undefined;
  const { problems } = checkDocument(doc, { only: [ruleId], config });
  for (const p of problems) assert.notEqual(p.rule, 'labelscope/internal-error', p.message);
  return { doc, problems: problems.filter((p) => p.rule === ruleId) };
}

/** 0-based line and UTF-16 column of the `nth` (0-based) occurrence of `marker` in `text` (ASCII texts). */
export function positionOf(text: string, marker: string, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let k = 0; k <= nth; k++) {
    at = text.indexOf(marker, at + 1);
    assert.ok(at >= 0, `marker ${JSON.stringify(marker)} #${nth} not in text`);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - (before.lastIndexOf('\n') + 1) };
}

/** Asserts `marker` occurs exactly once and returns its position. */
export function uniquePositionOf(text: string, marker: string): { line: number; character: number } {
  const first = text.indexOf(marker);
  assert.ok(first >= 0, `marker ${JSON.stringify(marker)} not in text`);
  assert.equal(text.indexOf(marker, first + 1), -1, `marker ${JSON.stringify(marker)} is not unique`);
  return positionOf(text, marker);
}

/** Where a problem starts, as an editor shows it. */
export function problemPosition(doc: CocoDocument, p: { start: number }): { line: number; character: number } {
  return doc.lines.positionAt(p.start);
}

/** The text a problem covers. */
export function problemText(doc: CocoDocument, p: { start: number; end: number }): string {
  return new TextDecoder().decode(doc.bytes.subarray(p.start, p.end));
}

/** The fix `ruleId` offers for `problem` (asserted present). */
export function fixOf(doc: CocoDocument, problem: Problem): Fix {
  const rule = ruleById(problem.rule);
  assert.ok(rule?.fix, `rule ${problem.rule} has no fix`);
  const fix = rule.fix(doc, problem);
  assert.ok(fix, `rule ${problem.rule} offered no fix for: ${problem.message}`);
  return fix;
}

/** Applies a fix and returns the new text. */
export function applyFix(doc: CocoDocument, fix: Fix): string {
  return new TextDecoder().decode(applyByteEdits(doc.bytes, fix.edits));
}

/** Position of `target` inside the unique occurrence of `context` (e.g. the third number of one bbox). */
export function positionWithin(text: string, context: string, target: string, nth = 0): { line: number; character: number } {
  const base = uniquePositionOf(text, context);
  let at = -1;
  for (let k = 0; k <= nth; k++) {
    at = context.indexOf(target, at + 1);
    assert.ok(at >= 0, `${JSON.stringify(target)} #${nth} not in ${JSON.stringify(context)}`);
  }
  assert.ok(!context.slice(0, at).includes('\n'), 'target must be on the context\'s first line');
  return { line: base.line, character: base.character + at };
}

/** A COCO dataset object with every section present; `parts` replaces sections. */
export function dataset(parts: Record<string, unknown> = {}): Record<string, unknown> {
  return { info: { description: 'rule test' }, licenses: [], images: [], annotations: [], categories: [], ...parts };
}

export function image(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, file_name: `${String(id).padStart(6, '0')}.jpg`, width: 640, height: 480, ...extra };
}

export function annotation(id: number, imageId: number, categoryId: number, bbox: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, image_id: imageId, category_id: categoryId, bbox, iscrowd: 0, ...extra };
}

export function category(id: number, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name, supercategory: 'thing', ...extra };
}

/** One 640×480 image, one category and annotation 11 with this `segmentation`: the polygon rules' fixture. */
export function textWithSegmentation(segmentation: unknown): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: [annotation(11, 1, 1, [10, 10, 40, 30], { segmentation })],
    categories: [category(1, 'cat')],
  }));
}

/** One 5×4 image and crowd annotation 11 whose RLE is `{"size": [4, 5], "counts": counts}`: the RLE rules' fixture. */
export function textWithRleCounts(counts: unknown): string {
  return cocoText(dataset({
    images: [image(1, { width: 5, height: 4 })],
    annotations: [annotation(11, 1, 1, [0, 0, 2, 2], { iscrowd: 1, segmentation: { size: [4, 5], counts } })],
    categories: [category(1, 'cat')],
  }));
}
