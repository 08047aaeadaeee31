// The bundler (esbuild) turns these imports into the bundle's style sheet.
declare module '*.css';
