/** Pretty-prints COCO the way people read it: one object per line block, number arrays on one line. */
export function formatCocoJson(value: unknown, indent = ''): string {
  return fmt(value, indent) + '\n';
}

function fmt(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v !== 'object' || v === null) || value.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'))) {
      return JSON.stringify(value).replace(/,/g, ', ');
    }
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + fmt(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    // Small flat objects (an image, a category) stay on one line.
    if (entries.every(([, v]) => typeof v !== 'object' || v === null) && JSON.stringify(value).length < 110) {
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
    }
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${fmt(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
