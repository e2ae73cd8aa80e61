/**
 * The extension host's own view of its memory (bench:vscode), over the Node inspector: SIGUSR1
 * starts it in the host (Node's default), the inspector's port is found among the host's
 * listening sockets (`ss`), and a CDP session over WebSocket (playwright-core's bundled `ws`)
 * reads `process.memoryUsage()` before and after a full GC (HeapProfiler.collectGarbage).
 * RSS alone cannot tell the V8 heap (and how much of it is garbage) from the file's bytes, the
 * typed-array columns and what the allocator keeps after a worker thread ends.
 */
import { execFileSync } from 'node:child_process';

interface Socket { on(ev: string, f: (...a: unknown[]) => void): void; send(s: string): void; close(): void }
type WsCtor = new (url: string) => Socket;

export interface HostMemory { rssMB: number; heapUsedMB: number; heapTotalMB: number; externalMB: number; arrayBuffersMB: number }

const MB = 1048576;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function listeningPorts(pid: number): number[] {
  try {
    const out = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.includes(`pid=${pid},`)).map((l) => Number(/127\.0\.0\.1:(\d+)|\[::1\]:(\d+)/.exec(l)?.slice(1).find(Boolean))).filter((p) => p > 0);
  } catch { return []; }
}

export class HostInspector {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(private readonly socket: Socket) {
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id!);
      if (m.error) w.reject(new Error(m.error.message)); else w.resolve(m.result);
    });
  }

  /** Starts the host's inspector and connects; undefined (with the reason logged) when it cannot. */
  static async attach(pid: number, log: (s: string) => void): Promise<HostInspector | undefined> {
    const before = new Set(listeningPorts(pid));
    try { process.kill(pid, 'SIGUSR1'); } catch (e) { log(`no inspector: ${(e as Error).message}`); return undefined; }
    let url: string | undefined;
    for (let t = 0; t < 50 && !url; t++) {
      await sleep(100);
      for (const port of listeningPorts(pid).filter((p) => !before.has(p))) {
        try {
          const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as { webSocketDebuggerUrl?: string }[];
          url = list.find((x) => x.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
        } catch { /* not the inspector */ }
      }
    }
    if (!url) { log('no inspector: the extension host opened no inspector port after SIGUSR1'); return undefined; }
    const { ws } = require('playwright-core/lib/utilsBundle') as { ws: WsCtor };
    const socket = new ws(url);
    await new Promise<void>((resolve, reject) => { socket.on('open', () => resolve()); socket.on('error', (e) => reject(e as Error)); });
    return new HostInspector(socket);
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) => this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  /** process.memoryUsage() in the host, in MB; after a full GC when `gc`. */
  async memory(gc: boolean): Promise<HostMemory> {
    if (gc) await this.send('HeapProfiler.collectGarbage');
    const r = await this.send<{ result: { value?: string } }>('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    const m = JSON.parse(r.result.value ?? '{}') as Record<string, number>;
    return { rssMB: m.rss / MB, heapUsedMB: m.heapUsed / MB, heapTotalMB: m.heapTotal / MB, externalMB: m.external / MB, arrayBuffersMB: m.arrayBuffers / MB };
  }

  close(): void { try { this.socket.close(); } catch { /* closed */ } }
}

export const roundMemory = (m: HostMemory | undefined) => m && Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v)])) as unknown as HostMemory;
