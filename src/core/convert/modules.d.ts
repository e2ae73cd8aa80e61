/* eslint-disable no-restricted-imports -- typings reached by path: these are the packages' own .d.ts files, not the webview's lib/ */
// The tsconfig's node10 resolution ignores package "exports"; these packages publish only
// through "exports", so their typings are reached by path here (runtime and esbuild use exports).
declare module 'fast-png' {
  export * from 'fast-png/lib/index';
}
declare module '@thi.ng/rle-pack/binary' {
  export * from '@thi.ng/rle-pack/binary.d';
}
