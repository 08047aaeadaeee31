// Imports flow one way (docs/architecture.md, "Layers"): a module may import its own layer and the
// layers below it, never one above, and no import circle anywhere, type-only imports included.
// `npm run lint` runs this; a violation names the rule, the importing and the imported module.

/** Top to bottom. Each entry is a list of path patterns under src/. */
const LAYERS = [
  ['cli', 'index\\.ts'],
  ['server', 'ui'],
  ['pipeline'],
  ['modes'],
  ['contract', 'compare', 'gates'],
  ['config'],
  ['providers'],
  ['upstream'],
  ['match', 'store'],
  ['safety', 'stream'],
  ['util', 'errors\\.ts', 'log\\.ts', 'types\\.ts', 'version\\.ts'],
];

const pathOf = (names) => `^src/(${names.join('|')})($|/)`;

/** One rule per layer: nothing in it may import from any layer above it. */
const upward = LAYERS.slice(1).map((layer, i) => ({
  name: `no-upward-import-from-${layer[0].replace(/\\\.ts$/, '')}`,
  comment: `${layer.join(', ')} may not import ${LAYERS.slice(0, i + 1)
    .flat()
    .join(', ')} (layers in docs/architecture.md)`,
  severity: 'error',
  from: { path: pathOf(layer) },
  to: { path: pathOf(LAYERS.slice(0, i + 1).flat()) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle (type-only ones too) ties modules that should be separable.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-unlayered-module',
      comment: 'Every folder of src/ belongs to a layer: add a new one to LAYERS and docs/architecture.md.',
      severity: 'error',
      from: { path: '^src/', pathNot: pathOf(LAYERS.flat()) },
      to: {},
    },
    ...upward,
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a type circle is still a circle.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
