/**
 * The few globals src/core may use: web-standard APIs that Node, browsers and
 * workers all provide. Included only by tsconfig.core.json (lib ES2022 has no
 * DOM and no Node), so anything else (document, process, Buffer, fs) stays a
 * compile error in the core.
 */
interface TextDecodeOptions { stream?: boolean }
interface TextDecoder { decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string }
declare var TextDecoder: { prototype: TextDecoder; new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder };
interface TextEncoder { encode(input?: string): Uint8Array }
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };
interface AbortSignal { readonly aborted: boolean; readonly reason: unknown }
declare var performance: { now(): number };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as lib.dom declares it
declare function setTimeout(callback: (...args: any[]) => void, ms?: number): unknown;
