/**
 * The side panel's lines about the whole file: where its check stands (progress with Cancel,
 * Check Now after a cancel or a failure), and the problems tied to no image (categories, info),
 * which n / N walk with the others.
 */
import type { ProblemInfo } from '../../../src/shared/protocol';
import type { App } from './context';
import type { Store } from './store';
import { button, el } from './dom';

/** File-level rows shown at most (n / N and the Labelscope Problems view reach every one). */
const SHOWN = 50;
const PHASE = { read: 'reading', parse: 'reading', check: 'checking' } as const;

/** The check's status line with its button, or undefined when there is nothing to say. */
export function checkStatus(app: App): HTMLElement | undefined {
  const s = app.store.checkState;
  if (!s || s.kind === 'done') return undefined;
  const line = el('div', `check-status check-${s.kind}`);
  line.setAttribute('role', 'status');
  if (s.kind === 'running') {
    line.append(el('span', undefined, `Checking the file… ${PHASE[s.phase ?? 'read']} ${Math.round((s.fraction ?? 0) * 100)}%`));
    line.append(button('Cancel', 'Stop this check (the problems stay as they were)', () => app.channel.notify('cancelCheck', {})));
  } else {
    line.append(el('span', undefined, s.kind === 'cancelled' ? 'The check was cancelled.' : `The check failed: ${s.message ?? 'unknown error'}`));
    line.append(button('Check Now', 'Check this file again', () => app.channel.notify('checkNow', {})));
  }
  return line;
}

/** The problems tied to no image, with their places in `store.problems`: the first ones, and the one n / N is on. */
export function fileProblems(store: Store): (readonly [ProblemInfo, number])[] {
  const out: (readonly [ProblemInfo, number])[] = [];
  store.problems.forEach((p, i) => {
    if (p.imageIndex < 0 && (out.length < SHOWN || i === store.cursor)) out.push([p, i] as const);
  });
  return out;
}
