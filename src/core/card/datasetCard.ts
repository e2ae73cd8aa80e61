/**
 * A dataset card in the Hugging Face layout (huggingface_hub's datasetcard_template.md): YAML
 * header, description, structure, splits, categories, statistics, annotation process, known
 * issues, bias / limitations, license, citation. What the files tell is filled in; what only a
 * person knows is a clearly marked prompt ("✏️ To fill in"), never invented text.
 */
import { isJsonObject, type CocoDocument } from '../coco/document';
import { fmt, type DatasetStats } from '../metrics/stats/compute';
import type { ChartSpec } from '../metrics/stats/charts';
import { pFmt, type ShiftReport } from '../metrics/stats/shift';

export interface KnownIssue {
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly count: number;
  /** Which split file. */
  readonly split: string;
  /** One example message. */
  readonly example?: string;
}

export interface CardInput {
  readonly docs: readonly CocoDocument[];
  readonly splits: readonly DatasetStats[];
  readonly shift?: ShiftReport;
  readonly issues: readonly KnownIssue[];
  /** Whether the image files were checked (health, duplicates); else the card says so. */
  readonly imagesChecked: boolean;
  readonly duplicates?: { readonly exactGroups: number; readonly nearGroups: number; readonly leakageGroups: number };
  /** Charts written beside the card: file name (relative) and spec. */
  readonly charts: readonly { readonly file: string; readonly spec: ChartSpec }[];
  readonly prettyName?: string;
  readonly generator?: string;
}

export const PROMPT = '✏️ **To fill in:**';
const prompt = (text: string) => `> ${PROMPT} ${text}`;

/** HF size_categories bucket for a number of examples (images). */
export function sizeCategory(n: number): string {
  const steps: [number, string][] = [[1e3, 'n<1K'], [1e4, '1K<n<10K'], [1e5, '10K<n<100K'], [1e6, '100K<n<1M'], [1e7, '1M<n<10M'], [1e8, '10M<n<100M'], [1e9, '100M<n<1B']];
  for (const [limit, label] of steps) if (n < limit) return label;
  return 'n>1B';
}

/** A COCO license entry to an HF license id, from its URL or name (Creative Commons and a few common ones). */
export function hfLicenseId(lic: { name?: unknown; url?: unknown }): string | undefined {
  const text = `${typeof lic.url === 'string' ? lic.url : ''} ${typeof lic.name === 'string' ? lic.name : ''}`.toLowerCase();
  const cc = /creativecommons\.org\/(licenses|publicdomain)\/([a-z-]+)\/(\d\.\d)/.exec(text);
  if (cc) return cc[1] === 'publicdomain' ? (cc[2] === 'zero' ? `cc0-${cc[3]}` : undefined) : `cc-${cc[2]}-${cc[3]}`;
  if (/\bcc0\b|public domain dedication/.test(text)) return 'cc0-1.0';
  if (/\bmit\b/.test(text)) return 'mit';
  if (/apache/.test(text)) return 'apache-2.0';
  const m = /\bcc[ -]by(-nc)?(-sa|-nd)?[ -](\d\.\d)/.exec(text);
  if (m) return `cc-by${m[1] ?? ''}${m[2] ?? ''}-${m[3]}`;
  return undefined;
}

function yamlString(s: string): string {
  return JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
}

function infoOf(doc: CocoDocument): Record<string, unknown> {
  return isJsonObject(doc.info) ? doc.info : {};
}

function hasSegmentation(doc: CocoDocument): boolean {
  for (const e of doc.annotationEntries) {
    const v = e.value;
    if (isJsonObject(v) && (Array.isArray(v.segmentation) ? v.segmentation.length > 0 : isJsonObject(v.segmentation))) return true;
  }
  return false;
}

function hasKeypoints(doc: CocoDocument): boolean {
  return doc.categoryEntries.some((e) => isJsonObject(e.value) && Array.isArray(e.value.keypoints));
}

function table(head: string[], rows: (string | number)[][]): string {
  const esc = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${head.join(' | ')} |`, `| ${head.map((_, k) => (k === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function datasetCard(input: CardInput): string {
  const { docs, splits } = input;
  const info = docs.length ? infoOf(docs[0]) : {};
  const description = typeof info.description === 'string' && info.description.trim() ? info.description.trim() : undefined;
  const name = input.prettyName ?? description?.split('\n')[0].slice(0, 80) ?? (splits[0]?.name ?? 'COCO dataset');
  const totalImages = splits.reduce((t, s) => t + s.images, 0);
  const totalAnnotations = splits.reduce((t, s) => t + s.annotations, 0);
  // Licenses: every distinct one over the files.
  const licenses = new Map<string, { name: string; url: string; id?: string; images: number }>();
  for (const doc of docs) {
    const used = new Map<unknown, number>();
    for (const e of doc.imageEntries) if (isJsonObject(e.value)) used.set(e.value.license, (used.get(e.value.license) ?? 0) + 1);
    for (const e of doc.licenseEntries) {
      if (!isJsonObject(e.value)) continue;
      const l = e.value;
      const key = `${l.name}|${l.url}`;
      const prev = licenses.get(key);
      const images = used.get(l.id) ?? 0;
      if (prev) prev.images += images;
      else licenses.set(key, { name: typeof l.name === 'string' ? l.name : '', url: typeof l.url === 'string' ? l.url : '', id: hfLicenseId(l), images });
    }
  }
  const ids = [...new Set([...licenses.values()].map((l) => l.id ?? 'other'))];
  const licenseYaml = ids.length === 0 ? 'license: other  # ✏️ to fill in: no license in the COCO files' : ids.length === 1 ? `license: ${ids[0]}` : `license:\n${ids.map((i) => `  - ${i}`).join('\n')}`;
  const tasks = ['object-detection'];
  if (docs.some(hasSegmentation)) tasks.push('image-segmentation');
  if (docs.some(hasKeypoints)) tasks.push('keypoint-detection');
  const out: string[] = [];
  out.push('---');
  out.push(licenseYaml);
  out.push('task_categories:', ...tasks.map((t) => `  - ${t}`));
  out.push('size_categories:', `  - ${sizeCategory(totalImages)}`);
  out.push(`pretty_name: ${yamlString(name)}`);
  out.push('tags:', '  - coco', '  - labelscope');
  out.push('---', '');
  out.push(`# Dataset Card for ${name}`, '');
  out.push(description ? description : prompt('one or two sentences: what the images show and what the labels are for.'), '');
  out.push('## Dataset Details', '', '### Dataset Description', '');
  out.push(`- **Curated by:** ${typeof info.contributor === 'string' && info.contributor ? info.contributor : `${PROMPT} who collected and labelled the data`}`);
  out.push(`- **Funded by [optional]:** ${PROMPT} funding, if any`);
  out.push(`- **Shared by [optional]:** ${PROMPT} who publishes this card`);
  out.push(`- **License:** ${licenses.size ? [...licenses.values()].map((l) => `${l.name || l.url}${l.id ? ` (\`${l.id}\`)` : ''}${l.url ? ` <${l.url}>` : ''}`).join('; ') : `${PROMPT} the COCO files name no license`}`);
  if (typeof info.version === 'string' || typeof info.version === 'number') out.push(`- **Version:** ${info.version}`);
  if (typeof info.date_created === 'string') out.push(`- **Created:** ${info.date_created}`);
  out.push('', '### Dataset Sources [optional]', '');
  out.push(`- **Repository:** ${typeof info.url === 'string' && info.url ? info.url : `${PROMPT} link`}`, `- **Paper [optional]:** ${PROMPT} link`, '');
  out.push('## Uses', '', '### Direct Use', '', prompt('the tasks this data suits (the labels support: ' + tasks.join(', ') + ').'), '', '### Out-of-Scope Use', '', prompt('uses the data does not support or that would be harmful.'), '');

  out.push('## Dataset Structure', '');
  out.push('COCO object-detection format: one JSON file per split with `images` (id, file_name, width, height), `annotations` (id, image_id, category_id, bbox `[x, y, w, h]` in pixels, area, iscrowd' + (tasks.includes('image-segmentation') ? ', segmentation as polygons or RLE' : '') + (tasks.includes('keypoint-detection') ? ', keypoints' : '') + ') and `categories` (id, name, supercategory).', '');
  out.push('### Splits', '');
  out.push(table(['split', 'file', 'images', 'annotations', 'categories', 'images without annotations'], splits.map((s) => [s.name, s.file ? `\`${s.file.split(/[\\/]/).pop()}\`` : '-', s.images, s.annotations, s.categories, s.imagesWithoutAnnotations])), '');
  out.push(`In all: ${totalImages} images, ${totalAnnotations} annotations.`, '');

  out.push('### Categories', '');
  const first = splits[0];
  if (first) {
    const head = ['category', 'id', 'supercategory', ...splits.map((s) => `${s.name} instances`), ...splits.map((s) => `${s.name} images`)];
    const rows = first.perCategory.map((c) => [
      c.name, String(c.id), c.supercategory ?? '',
      ...splits.map((s) => s.perCategory.find((x) => x.id === c.id)?.instances ?? 0),
      ...splits.map((s) => s.perCategory.find((x) => x.id === c.id)?.images ?? 0),
    ]);
    out.push(table(head, rows), '');
  }

  out.push('### Statistics', '');
  for (const s of splits) {
    const ci = s.classImbalance;
    out.push(`**${s.name}:** ${s.small} small, ${s.medium} medium, ${s.large} large annotations (COCO area < 32², < 96², ≥ 96²); ${s.crowd} crowd; `
      + `class imbalance ${ci.mostFrequent && ci.leastFrequent ? `${fmt(ci.ratio)} (${ci.mostFrequent.name} ${ci.mostFrequent.instances} / ${ci.leastFrequent.name} ${ci.leastFrequent.instances})` : '-'}; `
      + `most common image size ${s.commonImageSizes[0] ? `${s.commonImageSizes[0].size} (${s.commonImageSizes[0].images} images)` : '-'}.`, '');
  }
  for (const c of input.charts) out.push(`![${c.spec.description.replace(/[[\]]/g, '')}](${c.file})`, '');
  if (input.shift?.comparisons.length) {
    out.push('#### Distribution shift between splits', '');
    out.push(table(['splits', 'category shares: chi-square (df)', 'p', 'box sizes: KS D', 'p', 'categories flagged'], input.shift.comparisons.map((c) => [
      `${c.a} vs ${c.b}`, `${c.categoryShares.statistic.toFixed(1)} (${c.categoryShares.df})`, pFmt(c.categoryShares.pValue), c.boxSizes.statistic.toFixed(3), pFmt(c.boxSizes.pValue), c.flagged.length,
    ])), '');
    for (const c of input.shift.comparisons) for (const f of c.flagged.slice(0, 20)) out.push(`- ${f}`);
    out.push('', `Flagged when the test rejects at α = ${input.shift.options.alpha} / number of categories (Bonferroni) and shares differ ≥ ${input.shift.options.minShareRatio}× or KS D ≥ ${input.shift.options.minKsD}.`, '');
  }

  out.push('## Dataset Creation', '', '### Curation Rationale', '', prompt('why this dataset was made.'), '');
  out.push('### Source Data', '', '#### Data Collection and Processing', '', prompt('where the images come from, how they were selected, filtered and processed.'), '');
  out.push('#### Who are the source data producers?', '', prompt('who took or made the images.'), '');
  out.push('### Annotations', '', '#### Annotation process', '');
  const crowd = splits.reduce((t, s) => t + s.crowd, 0);
  out.push(`Boxes${tasks.includes('image-segmentation') ? ', segmentation masks' : ''}${tasks.includes('keypoint-detection') ? ', keypoints' : ''} in ${first ? first.categories : 0} categories; ${crowd} annotation${crowd === 1 ? ' is' : 's are'} marked crowd (iscrowd = 1).`, '');
  out.push(prompt('the tool, the guidelines, how many annotators per image, how disagreements and quality were handled.'), '');
  out.push('#### Who are the annotators?', '', prompt('who labelled the data and how they were paid.'), '');
  out.push('#### Personal and Sensitive Information', '', prompt('whether the images show people, faces, licence plates or other personal data, and what was done about it.'), '');

  out.push('## Known Issues', '', `Found by Labelscope${input.generator ? ` ${input.generator}` : ''} (\`labelscope check\`${input.imagesChecked ? ', image health and duplicate checks' : ''}).`, '');
  if (input.issues.length === 0) out.push('No problems found.', '');
  else {
    out.push(table(['split', 'rule', 'severity', 'count', 'example'], [...input.issues].sort((a, b) => sevRank(a.severity) - sevRank(b.severity) || b.count - a.count).map((i) => [i.split, `\`${i.rule}\``, i.severity, i.count, i.example ?? ''])), '');
  }
  if (input.duplicates) out.push(`Duplicates: ${input.duplicates.exactGroups} groups of identical images, ${input.duplicates.nearGroups} groups of near-identical images (resized or re-encoded copies); ${input.duplicates.leakageGroups} of them span splits (train/test leakage).`, '');
  if (!input.imagesChecked) out.push('The image files were not checked (not found or skipped): corrupt files, wrong sizes, duplicates and leakage are unknown.', '');

  out.push('## Bias, Risks, and Limitations', '');
  const findings = splits.flatMap((s) => s.findings.filter((f) => f.kind === 'imbalanced-labels' || f.kind === 'few-samples').map((f) => `- ${s.name}: ${f.message}`));
  if (findings.length) out.push('From the label statistics:', '', ...findings.slice(0, 20), '');
  out.push(prompt('who and what is under- or over-represented (places, people, conditions), and the risks of using the data.'), '');
  out.push('### Recommendations', '', prompt('what users should do about the limitations above (resampling, extra data, evaluation per group).'), '');
  out.push('## Citation [optional]', '', '**BibTeX:**', '', prompt('a BibTeX entry.'), '');
  out.push('## Dataset Card Authors [optional]', '', prompt('names.'), '');
  out.push('## Dataset Card Contact', '', prompt('an address for questions and corrections.'), '');
  return out.join('\n');
}

function sevRank(s: string): number {
  return s === 'error' ? 0 : s === 'warning' ? 1 : 2;
}


