/**
 * COCO ids are numbers or strings, and `1` and `"1"` are different ids (as in
 * pycocotools' dicts). Where a plain string key is needed (a Set of keys, a
 * data attribute, a Map shared with the webview), build it here, never by hand.
 */
export type IdKeyText = `${'number' | 'string' | 'bigint' | 'boolean' | 'symbol' | 'undefined' | 'object' | 'function'}:${string}`;

/** `number:7` for 7, `string:7` for "7". */
export function idKeyText(id: unknown): IdKeyText {
  return `${typeof id}:${String(id)}`;
}
