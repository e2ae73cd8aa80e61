import { INSTANCE_KINDS } from '../coco/kind';
import { categoryCounts, categoryLabel, type CategoryCount } from '../ruleKit/datasetStats';
import type { Rule } from '../ruleKit/types';

export const classImbalance: Rule = {
  id: 'coco/class-imbalance',
  defaultSeverity: 'warning',
  kinds: INSTANCE_KINDS,
  description: 'The most frequent category has more than `ratio` times (default 50) the annotations of the least frequent one.',
  why: 'Detectors trained on such data rarely predict the rare class (its AP is near 0 while mAP looks fine); plan resampling (detectron2 RepeatFactorTrainingSampler, mmdetection ClassBalancedDataset) or more data. Datumaro\'s validator flags it as "imbalanced labels".',
  example: { bad: '"person": 5000 annotations, "toaster": 3', good: '"person": 5000 annotations, "toaster": 400 (or resampled)' },
  defaultOptions: { ratio: 50 },
  check(ctx) {
    const doc = ctx.doc;
    if (doc.sections.get('annotations')?.kind !== 'array') return;
    const ratio = typeof ctx.options.ratio === 'number' ? ctx.options.ratio : 50;
    let max: CategoryCount | undefined, min: CategoryCount | undefined;
    for (const row of categoryCounts(doc)) {
      if (row.count === 0) continue; // coco/category-unused
      if (!max || row.count > max.count) max = row;
      if (!min || row.count < min.count) min = row;
    }
    if (!max || !min || max === min) return;
    const r = max.count / min.count;
    if (!(r > ratio)) return;
    ctx.report({
      message: `Classes are imbalanced: ${categoryLabel(max)} has ${max.count} annotations, ${categoryLabel(min)} only ${min.count} (${Number(r.toFixed(1))}× > ${ratio}×).`,
      at: ctx.sectionPlace('categories'),
      related: [
        { message: `Most frequent: ${max.count} annotations`, ...ctx.place('categories', doc.categoryEntries[max.index], ['name']) },
        { message: `Least frequent: ${min.count} annotations`, ...ctx.place('categories', doc.categoryEntries[min.index], ['name']) },
      ],
      data: { max: { id: max.id, count: max.count }, min: { id: min.id, count: min.count } },
    });
  },
};
