/**
 * The one-line banner above the stage when the image file cannot be shown: not found (where
 * it looked, folded) with "Choose Image Folder…", or not decodable. It sits above the canvas,
 * never over the overlays, and can be dismissed for the file (a dataset without its images).
 */
import type { ImagePayload } from '../../../src/shared/protocol';
import { button, el } from './dom';

export interface MissingBannerActions {
  /** Ask the host for a folder dialog (imageRoot). */
  chooseFolder(): void;
  /** Hide the banner for this file's images. */
  dismiss(): void;
  dismissed: boolean;
}

export function renderMissingBanner(banner: HTMLElement, info: ImagePayload['image'], shown: boolean, actions: MissingBannerActions): void {
  banner.hidden = shown || actions.dismissed;
  if (banner.hidden) return;
  banner.setAttribute('role', 'status');
  const close = button('✕', 'Dismiss: keep showing the annotations without images', () => actions.dismiss());
  close.classList.add('missing-close');
  close.setAttribute('aria-label', 'Dismiss the image banner');
  if (info.displayError) {
    const text = el('span', 'missing-text');
    text.append(el('strong', undefined, `Image can't be shown: ${info.fileName}`), document.createTextNode(` — ${info.displayError}`));
    text.title = info.displayError;
    banner.replaceChildren(text, close);
    return;
  }
  const tried = info.tried ?? (info.src ? [info.src] : []);
  const text = el('span', 'missing-text');
  text.append(el('strong', undefined, info.src ? `Image can't be decoded: ${info.fileName}` : `Image not found: ${info.fileName}`));
  text.title = info.fileName;
  const where = el('details', 'missing-where');
  where.append(el('summary', undefined, info.src ? 'File' : `Looked in ${tried.length} place${tried.length === 1 ? '' : 's'}`));
  const ul = el('ul');
  for (const t of tried) ul.appendChild(el('li', undefined, t));
  where.append(ul);
  const choose = button('Choose Image Folder…', 'Pick the folder the file names are relative to (saved as imageRoot in .labelscope.json or the workspace settings)', () => actions.chooseFolder());
  choose.classList.add('missing-choose');
  banner.replaceChildren(text, where, choose, close);
}

/**
 * Controls placed over the top of the stage (the prediction layer's, issue 12) sit below the
 * banner: `--banner-h` on the banner's parent follows its height (0 while hidden).
 */
export function followBannerHeight(banner: HTMLElement): void {
  const host = banner.parentElement;
  if (!host) return;
  new ResizeObserver(() => host.style.setProperty('--banner-h', `${banner.hidden ? 0 : banner.offsetHeight}px`)).observe(banner);
}
