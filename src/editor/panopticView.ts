/**
 * The viewer's hooks for panoptic files (issue 10): segments drawn from their PNGs, and no
 * geometry edits (the PNG, not the JSON, holds a panoptic segment's shape).
 */
import { kindOf } from '../core/coco/kind';
import type { PanopticSegmentSource } from '../node/panopticSegments';
import type { CocoEditorModel } from './editorModel';
import type { SessionOptions } from './session';

export const PANOPTIC_READ_ONLY = 'Panoptic segments are drawn from their PNGs and are not edited in the viewer: edit segments_info in the JSON text.';

const isPanoptic = (model: CocoEditorModel) => kindOf(model.base).kind === 'panoptic';

export function panopticHooks(source: PanopticSegmentSource): Pick<SessionOptions, 'augmentImage' | 'editRefusal'> {
  return {
    augmentImage: async (payload, model) => (isPanoptic(model) ? (await source.segmentsPayload(model.base, payload)).payload : payload),
    editRefusal: (model) => (isPanoptic(model) ? PANOPTIC_READ_ONLY : undefined),
  };
}
