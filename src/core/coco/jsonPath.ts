/** JSON paths as shown to users: `$.annotations[12].bbox[2]`, `$["my key"]`. */

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$` followed by each segment: `.name` for identifiers, `["odd key"]` otherwise, `[3]` for indexes. */
export function formatJsonPath(segments: readonly (string | number)[]): string {
  let s = '$';
  for (const seg of segments) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (IDENT.test(seg)) s += `.${seg}`;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

/**
 * Path of a value inside element `index` of a top-level section:
 * `jsonPath('annotations', 12, ['bbox', 2])` → `$.annotations[12].bbox[2]`.
 * With `index` undefined the path starts at the section itself (`$.info.year`).
 */
export function jsonPath(section: string, index: number | undefined, path: readonly (string | number)[] = []): string {
  const segs: (string | number)[] = [section];
  if (index !== undefined) segs.push(index);
  for (const p of path) segs.push(p);
  return formatJsonPath(segs);
}
