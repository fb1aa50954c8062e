/** Import rules that keep the architecture of DESIGN.md true. Run by `npm run deps` (part of npm test). */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment: 'core imports nothing outside core: no node: modules, no third-party packages',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '\\.test\\.ts$' },
      to: { pathNot: '^src/core/' },
    },
    {
      name: 'core-tests-only-core-and-testing',
      severity: 'error',
      from: { path: '^src/core/.*\\.test\\.ts$' },
      to: {
        pathNot: '^(src/core/|src/testing/|node_modules/fast-check|node:|assert|test)',
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'only-k8s-imports-kubernetes-and-grpc',
      severity: 'error',
      from: { pathNot: '^src/(k8s|testing)/' },
      to: { path: 'node_modules/(@kubernetes/client-node|@grpc/)' },
    },
    {
      name: 'testing-only-from-tests',
      severity: 'error',
      from: { pathNot: ['^src/testing/', '\\.test\\.ts$', '^bench/'] },
      to: { path: '^src/testing/' },
    },
    {
      name: 'sim-and-k8s-independent',
      severity: 'error',
      from: { path: '^src/sim/' },
      to: { path: '^src/k8s/' },
    },
    {
      name: 'k8s-does-not-import-sim',
      comment: 'the live scheduler and the simulator meet only in core',
      severity: 'error',
      from: { path: '^src/k8s/', pathNot: '^src/k8s/replay/' },
      to: { path: '^src/sim/' },
    },
    {
      name: 'report-depends-only-on-results',
      severity: 'error',
      from: { path: '^src/report/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(k8s|node-agent|cli|trace)/' },
    },
    {
      name: 'only-cli-wires-adapters',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|testing)/|\\.test\\.ts$' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
