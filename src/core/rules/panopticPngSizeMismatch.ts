import { annotationsWithPng } from '../ruleKit/panopticPng';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const panopticPngSizeMismatch: Rule = {
  id: 'coco/panoptic-png-size-mismatch',
  defaultSeverity: 'error',
  kinds: ['panoptic'],
  description: 'A panoptic PNG is not the size of its image: its width × height differs from the "width" and "height" of the image its annotation names.',
  why: 'Every pixel of a panoptic PNG labels the pixel of the image at the same place: detectron2\'s DatasetMapper resizes image and segmentation with one transform built from the image\'s size (ResizeTransform asserts the shape and stops with AssertionError mid-epoch), and pq_compute compares prediction and ground-truth PNGs pixel by pixel; a PNG of another size (often one rotated by EXIF, or saved from a resized copy) labels the wrong pixels.',
  example: { bad: '"images": [{"id": 1, "width": 640, "height": 480, …}]  with panoptic_val2017/1.png of 480 × 640', good: 'panoptic_val2017/1.png of 640 × 480' },
  check(ctx) {
    for (const { entry, ann, facts } of annotationsWithPng(ctx)) {
      const imageId = idOf(ann.image_id);
      const image = imageId === undefined ? undefined : ctx.doc.imageById(imageId);
      if (!image) continue; // an unknown image_id is another rule's
      const { width, height } = image;
      if (typeof width !== 'number' || typeof height !== 'number' || !(width > 0) || !(height > 0)) continue;
      if (facts.width === width && facts.height === height) continue;
      const swapped = facts.width === height && facts.height === width;
      ctx.report({
        message: `Panoptic PNG ${JSON.stringify(ann.file_name)} is ${facts.width} × ${facts.height} but image ${JSON.stringify(imageId)} is ${width} × ${height}${swapped ? ' (width and height swapped: an EXIF-rotated image?)' : ''}: its segments label the wrong pixels.`,
        at: ctx.place('annotations', entry, ['file_name']),
        imageId,
        data: { png: [facts.width, facts.height], image: [width, height] },
      });
    }
  },
};
