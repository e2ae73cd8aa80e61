/**
 * The viewer's "Segment" tool: left click adds a positive point, Alt+click or right click a
 * negative one, a drag draws a box; each change asks the host for a preview (only the latest
 * prompt is sent while one is in flight, so the preview follows the clicks without a queue).
 * Clicks after the first refine the same object (the host feeds the low-res mask back).
 * Keys: Tab next candidate, Enter accept, Backspace remove the last point, Escape clear.
 *
 * DOM-free: the viewer gives pointer events in image coordinates and draws with `draw()`;
 * the 1–3 lines that hook it into viewer.ts / main.ts are listed in the issue-15 report.
 */
import type { SamPreview, SamPromptPoint, SamSegmentParams } from '../../../src/shared/samProtocol';

export interface SegmentToolHost {
  segment(params: SamSegmentParams): Promise<{ ok: true; preview: SamPreview } | { ok: false; message: string }>;
  accept(imageIndex: number): Promise<{ ok: boolean; message?: string }>;
  /** Redraw the overlay (the preview or the prompt changed). */
  changed(): void;
  /** Say something in the viewer's status line. */
  status(text: string): void;
}

/** Pointer travel (image pixels at the current zoom, in screen pixels) below which a press is a click. */
const DRAG_MIN_SCREEN_PX = 4;

export class SegmentTool {
  points: SamPromptPoint[] = [];
  box: [number, number, number, number] | undefined;
  preview: SamPreview | undefined;
  /** A drag in progress: its start and current corner. */
  drag: { x0: number; y0: number; x1: number; y1: number } | undefined;
  private inFlight = false;
  private pending: SamSegmentParams | undefined;
  private candidate: number | undefined;

  constructor(private readonly host: SegmentToolHost, public imageIndex: number) {}

  /** A new image: the prompt and preview belong to the old one. */
  setImage(index: number): void {
    this.imageIndex = index;
    this.clear();
  }

  pointerDown(x: number, y: number): void {
    this.drag = { x0: x, y0: y, x1: x, y1: y };
  }

  pointerMove(x: number, y: number): void {
    if (!this.drag) return;
    this.drag.x1 = x;
    this.drag.y1 = y;
    this.host.changed();
  }

  /** `negative`: Alt held or the right button; `screenScale`: screen pixels per image pixel. */
  pointerUp(x: number, y: number, negative: boolean, screenScale = 1): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d) return;
    const travel = Math.hypot(x - d.x0, y - d.y0) * screenScale;
    if (travel >= DRAG_MIN_SCREEN_PX) {
      const x0 = Math.min(d.x0, x);
      const y0 = Math.min(d.y0, y);
      this.box = [x0, y0, Math.abs(x - d.x0), Math.abs(y - d.y0)];
    } else {
      this.points.push({ x, y, positive: !negative });
    }
    this.candidate = undefined;
    this.request();
  }

  /** Returns true when the key was the tool's. */
  key(key: string): boolean {
    switch (key) {
      case 'Escape':
        if (!this.points.length && !this.box) return false;
        this.clear();
        return true;
      case 'Backspace':
        if (this.points.length) this.points.pop();
        else if (this.box) this.box = undefined;
        else return false;
        this.candidate = undefined;
        if (this.points.length || this.box) this.request(); else this.clear();
        return true;
      case 'Tab': {
        const p = this.preview;
        if (!p || p.ranking.length < 2) return false;
        const at = p.ranking.indexOf(p.candidate);
        this.candidate = p.ranking[(at + 1) % p.ranking.length];
        this.request(false);
        return true;
      }
      case 'Enter':
        if (!this.preview) return false;
        void this.host.accept(this.imageIndex).then((r) => {
          if (r.ok) this.clear();
          else this.host.status(r.message ?? 'The mask could not be added.');
        });
        return true;
      default:
        return false;
    }
  }

  clear(): void {
    this.points = [];
    this.box = undefined;
    this.preview = undefined;
    this.candidate = undefined;
    this.pending = undefined;
    this.host.changed();
  }

  private request(refine = this.points.length > 1): void {
    if (!this.points.length && !this.box) return;
    const params: SamSegmentParams = {
      imageIndex: this.imageIndex, points: [...this.points], box: this.box, refine,
      ...(this.candidate !== undefined ? { candidate: this.candidate } : {}),
    };
    this.host.changed();
    if (this.inFlight) { this.pending = params; return; }
    void this.send(params);
  }

  private async send(params: SamSegmentParams): Promise<void> {
    this.inFlight = true;
    try {
      const r = await this.host.segment(params);
      if (params.imageIndex !== this.imageIndex) return;
      if (r.ok) {
        this.preview = r.preview;
        const p = r.preview;
        this.host.status(`${p.fallback ? 'GrabCut fallback' : 'SAM'}: candidate ${p.ranking.indexOf(p.candidate) + 1} of ${p.ranking.length}${p.fallback ? '' : `, predicted IoU ${p.iou[p.candidate].toFixed(2)}`}, ${p.area} px${p.decodeMs !== undefined ? `, ${Math.round(p.decodeMs)} ms` : ''} — Enter adds it, Tab next candidate, Esc clears`);
      } else {
        this.host.status(r.message);
      }
      this.host.changed();
    } finally {
      this.inFlight = false;
      const next = this.pending;
      this.pending = undefined;
      if (next) void this.send(next);
    }
  }
}
