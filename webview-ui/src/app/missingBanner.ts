/** The banner over the stage when the image file cannot be shown: not found (where it looked) or not decodable. */
import type { ImagePayload } from '../../../src/shared/protocol';
import { el } from './dom';

export function renderMissingBanner(banner: HTMLElement, info: ImagePayload['image'], shown: boolean): void {
  banner.hidden = shown;
  if (shown) return;
  if (info.displayError) {
    banner.replaceChildren(el('strong', undefined, `Image can't be shown: ${info.fileName}`), el('div', undefined, info.displayError));
    return;
  }
  banner.replaceChildren(el('strong', undefined, `Image not found: ${info.fileName}`));
  const ul = el('ul');
  for (const t of info.tried ?? (info.src ? [info.src] : [])) ul.appendChild(el('li', undefined, t));
  banner.append(el('div', undefined, info.src ? 'The file could not be decoded:' : 'Looked in:'), ul);
}
