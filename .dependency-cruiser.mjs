/**
 * The dependency rule of src/ (`npm run lint:deps`, part of `npm test`). The layers, lowest first:
 *
 *   core                  errors and small utilities; imports nothing of ours
 *   platform/*            Kafka, Avro, config, observability, state, headers, http, ...: the machinery
 *   domain/identifiers    value rules of identifiers (mobile numbers, resident ids, plates)
 *   expressions           the expression language (JSONata, limits, fast path, domain functions)
 *   connect/sdk           what a connector is written against
 *   connect/runtime       the connector host: sources, webhooks, sinks, retries, dead letters
 *   flows                 the flow engine and its steps
 *   operations/*          dead letters and tracing, over what connectors and flows write
 *   domain/*              identity resolution and the customer view
 *   interfaces/api, dashboard
 *   hub                   the composition root
 *   interfaces/cli        the entry point
 *   demo                  the simulated back-office systems, beside the layers: started by the cli
 *
 * and, outside src/, the connector plugins (connectors/<name>/) on the SDK, core and platform.
 *
 * A module may import its own layer and those below it, never one above; folders never form a
 * cycle, whatever the layer (a cycle makes two folders one unit that can only be understood,
 * tested and changed together). Type-only imports count: a type is a dependency on a concept.
 */
const LOWER_THAN_FEATURES = '^src/(core|platform|domain/identifiers|expressions)/';

/** A rule forbidding `from` to import anything in src/ outside `allowed` (a regex of paths). */
function onlyImports(name, from, allowed, comment) {
  return { name, severity: 'error', comment, from: { path: from }, to: { path: '^src/', pathNot: allowed } };
}

export default {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment:
        'Two folders that import each other, directly or around a loop, are one unit in disguise: move what both need into a lower folder, or invert the dependency.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment:
        'Modules that import each other cannot be loaded, read or tested one at a time; a shared type goes into a module of its own.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    onlyImports(
      'core-imports-nothing-of-ours',
      '^src/core/',
      '^src/core/',
      'core is what everything may use; anything it imported would be imported by everything.',
    ),
    onlyImports(
      'platform-below-features',
      '^src/platform/',
      '^src/(core|platform)/',
      'The platform (Kafka, Avro, config, observability, state, headers) serves connectors, flows and the domain and knows none of them: a feature registers itself with the hub instead.',
    ),
    onlyImports(
      'identifiers-are-value-rules',
      '^src/domain/identifiers/',
      '^src/(core|domain/identifiers)/',
      'Identifier rules (mobile numbers, resident ids, plates) are pure values used by expressions, flows, the domain and the demo alike.',
    ),
    onlyImports(
      'expressions-below-flows-and-domain',
      '^src/expressions/',
      LOWER_THAN_FEATURES,
      'The expression language is shared by the flow steps and the customer view segment rules, so it depends on neither.',
    ),
    onlyImports(
      'sdk-not-host',
      '^src/connect/sdk/',
      '^src/(core|platform|domain/identifiers|connect/sdk)/',
      'Connectors are written against the SDK; the SDK must not pull in the runtime that hosts them (the runtime imports the SDK, not the reverse).',
    ),
    onlyImports(
      'runtime-below-flows',
      '^src/connect/runtime/',
      '^src/(core|platform|domain/identifiers|connect)/',
      'The connector host moves records in and out of Kafka; flows, operations and the domain build on it.',
    ),
    onlyImports(
      'flows-below-domain-and-operations',
      '^src/flows/',
      `${LOWER_THAN_FEATURES}|^src/(connect|flows)/`,
      'The flow engine runs any flow file; it knows no domain feature, operations view or interface.',
    ),
    onlyImports(
      'operations-below-domain',
      '^src/operations/',
      `${LOWER_THAN_FEATURES}|^src/(connect|operations)/`,
      'Dead letters and tracing read what connectors and flows write, by headers and topics; the customer view and interfaces build on them.',
    ),
    onlyImports(
      'domain-below-interfaces',
      '^src/domain/(?!identifiers/)',
      `${LOWER_THAN_FEATURES}|^src/(connect|domain)/`,
      'Identity resolution and the customer view are stream processors over the platform and the connector runtime; they use no flow-engine internals and know no interface.',
    ),
    {
      name: 'interfaces-below-hub',
      severity: 'error',
      comment: 'The API and the dashboard are wired by the hub; they must not import it (or the cli, or the demo).',
      from: { path: '^src/interfaces/(api|dashboard)/' },
      to: { path: '^src/(hub|interfaces/cli|demo)/' },
    },
    {
      name: 'hub-below-cli',
      severity: 'error',
      comment: 'The hub is the composition root the cli starts; it does not know the cli or the demo landscape.',
      from: { path: '^src/hub/' },
      to: { path: '^src/(interfaces/cli|demo)/' },
    },
    onlyImports(
      'demo-beside-the-product',
      '^src/demo/',
      '^src/(core|platform|domain/identifiers|connect/sdk|demo)/',
      'The demo simulates back-office systems from outside: it may share the low-level vocabulary (identifiers, webhook signatures) but not the connector runtime, hub, flows, domain or interfaces it demonstrates.',
    ),
    {
      name: 'plugins-on-the-sdk',
      severity: 'error',
      comment:
        'A connector plugin (connectors/<name>/) is written against the SDK, with core and platform helpers; the host, flows, domain and hub may change under it. Its tests may use more.',
      from: { path: '^connectors/[^/]+/', pathNot: '^connectors/[^/]+/test/' },
      to: { path: '^src/', pathNot: '^src/(core|platform|connect/sdk)/' },
    },
    {
      name: 'plugins-through-the-catalog',
      severity: 'error',
      comment:
        'Connector plugins (connectors/) are loaded by the SDK catalog at run time; only the cli, the entry point, may import one directly (the CSV import command).',
      from: { path: '^src/', pathNot: '^src/interfaces/cli/' },
      to: { path: '^connectors/' },
    },
    {
      name: 'not-to-tests-or-bench',
      severity: 'error',
      comment: 'The package ships src/ without test/ and bench/; product code importing them would break the installed hub.',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The plugins' own tests drive the whole hub; what they import is not the plugins' dependency.
    exclude: { path: '^connectors/[^/]+/test/' },
    // Type-only imports are dependencies too (see above).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
