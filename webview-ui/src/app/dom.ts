/** Small DOM helpers shared by the viewer's panels. */

export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

/** A secondary `vscode-button` with a tooltip. */
export function button(text: string, title: string, fn: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = text;
  b.title = title;
  b.setAttribute('secondary', '');
  b.addEventListener('click', fn);
  return b;
}

export function option(value: string, text: string): HTMLOptionElement {
  const o = el('option', undefined, text) as HTMLOptionElement;
  o.value = value;
  return o;
}
