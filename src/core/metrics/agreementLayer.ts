/**
 * One image of an agreement for the viewer (issue 13): the viewer shows B's file (the work under
 * review, where the conflicts are problems) with its own labels, and A (the reference) as the
 * second layer; each conflict carries A's and / or B's geometry so it can be highlighted and
 * walked to. Geometry is read on demand for the images the report lists, never kept for all.
 */
import { isJsonObject, type CocoDocument, type IdKey } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import { isFiniteBbox } from '../geometry/bbox';
import { polygonBbox } from '../geometry/polygon';
import { segmentationKind, segmentationToRle } from '../geometry/segmentation';
import { rleOutline } from './eval/layer';
import type { AgreementReport, Conflict, ImageAgreement } from './agreement';

export interface AgreementShape {
  bbox: [number, number, number, number];
  rings?: number[][];
}

export interface AgreementLayerObject extends AgreementShape {
  /** Annotation id in A. */
  id?: IdKey;
  categoryId?: IdKey;
}

export interface AgreementLayerConflict {
  type: Conflict['type'];
  severity: Conflict['severity'];
  message: string;
  /** A's object (missing, mismatching label, low overlap…), B's object (extra, …): what to highlight. */
  a?: AgreementShape;
  b?: AgreementShape;
  /** B's annotation id (the viewer's own label). */
  annotationB?: IdKey;
}

export interface AgreementLayer {
  /** B's image id (the viewer shows B's file). */
  imageIdB?: IdKey;
  fileA: string;
  objectsA: AgreementLayerObject[];
  conflicts: AgreementLayerConflict[];
}

/** The outline and box of an annotation: its polygons, a traced RLE, else its box. */
export function shapeOf(ann: unknown, height: number, width: number): AgreementShape | undefined {
  if (!isJsonObject(ann)) return undefined;
  const seg = ann.segmentation;
  const kind = seg === undefined ? 'invalid' : segmentationKind(seg);
  let rings: number[][] | undefined;
  if (kind === 'polygons') rings = (seg as number[][]).filter((r) => r.length >= 6);
  else if (kind !== 'invalid' && height > 0 && width > 0) {
    const rle = segmentationToRle(seg, height, width);
    if (rle) rings = rleOutline(rle);
  }
  const bbox = isFiniteBbox(ann.bbox) ? [ann.bbox[0], ann.bbox[1], ann.bbox[2], ann.bbox[3]] as [number, number, number, number] : rings?.length ? polygonBbox(rings) : undefined;
  if (!bbox) return undefined;
  return rings?.length ? { bbox, rings } : { bbox };
}

const sizeOf = (doc: CocoDocument, entry: number | undefined): [number, number] => {
  const img = entry === undefined ? undefined : doc.imageEntries[entry]?.value;
  return isJsonObject(img) && typeof img.height === 'number' && typeof img.width === 'number' ? [img.height, img.width] : [0, 0];
};

/** The layer of one paired image of the report (a row of `report.perImage`). */
export function agreementLayerFor(A: CocoDocument, B: CocoDocument, report: AgreementReport, row: ImageAgreement, fileA: string): AgreementLayer {
  const [ha, wa] = sizeOf(A, row.imageEntryA);
  const [hb, wb] = sizeOf(B, row.imageEntryB);
  const imgA = row.imageEntryA === undefined ? undefined : A.imageEntries[row.imageEntryA]?.value;
  const imgB = row.imageEntryB === undefined ? undefined : B.imageEntries[row.imageEntryB]?.value;
  const idA = isJsonObject(imgA) ? idOf(imgA.id) : undefined;
  const objectsA: AgreementLayerObject[] = [];
  if (idA !== undefined) {
    for (const e of A.annotationsOfImage(idA)) {
      const s = shapeOf(e.value, ha, wa);
      if (!s || !isJsonObject(e.value)) continue;
      objectsA.push({ ...s, id: idOf(e.value.id), categoryId: idOf(e.value.category_id) });
    }
  }
  const conflicts: AgreementLayerConflict[] = [];
  for (const c of report.conflicts) {
    if (c.imageId !== row.imageId || c.imageEntryB !== row.imageEntryB) continue;
    const a = c.entryA === undefined ? undefined : shapeOf(A.annotationEntries[c.entryA]?.value, ha, wa);
    const b = c.entryB === undefined ? undefined : shapeOf(B.annotationEntries[c.entryB]?.value, hb, wb);
    conflicts.push({ type: c.type, severity: c.severity, message: c.message, ...(a ? { a } : {}), ...(b ? { b } : {}), ...(c.annotationB !== undefined ? { annotationB: c.annotationB } : {}) });
  }
  return { imageIdB: isJsonObject(imgB) ? idOf(imgB.id) : undefined, fileA, objectsA, conflicts };
}
