import { DATASET_KINDS } from '../coco/kind';
import { insertTopLevelProperty } from '../edits/jsonEdits';
import type { Rule } from '../ruleKit/types';

const SECTIONS: Record<string, string> = { info: '{}', licenses: '[]' };

export const missingInfo: Rule = {
  id: 'coco/missing-info',
  defaultSeverity: 'info',
  kinds: DATASET_KINDS,
  description: 'The optional "info" or "licenses" section is missing.',
  why: 'pycocotools does not need them, but some importers do: older Detectron and CVAT COCO importers read dataset["info"] / dataset["licenses"] and reject the file with a KeyError.',
  example: { bad: '{"images": [], "annotations": [], "categories": []}', good: '{"info": {}, "licenses": [], "images": [], "annotations": [], "categories": []}' },
  check(ctx) {
    if (ctx.doc.rootKind !== 'object' || !ctx.doc.isJson) return;
    for (const name of Object.keys(SECTIONS)) {
      if (ctx.doc.sections.has(name)) continue;
      ctx.report({ message: `The "${name}" section is missing; some importers (older Detectron, CVAT) require it.`, at: ctx.sectionPlace(), data: { section: name } });
    }
  },
  fix(doc, problem) {
    const section = (problem.data as { section?: string } | undefined)?.section;
    if (section === undefined || !(section in SECTIONS) || doc.sections.has(section)) return undefined;
    const edit = insertTopLevelProperty(doc, section, SECTIONS[section]);
    return edit && { title: `Add an empty "${section}" section`, edits: [edit] };
  },
};
