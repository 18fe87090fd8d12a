import type { Command } from 'commander';
import { formatConfigIssue } from '../../platform/config/config-issue.js';
import type { FlowTestFileResult } from '../../flows/flow-test-runner.js';
import { printFailure } from './cli-output.js';

export function addTestCommand(program: Command): void {
  program
    .command('test')
    .argument('[paths...]', 'flow test files (*.test.yaml) or folders of them', ['flows/'])
    .description(
      'run flow tests without a broker: each case feeds input messages through its flow and compares what comes out; exit 1 when any fails',
    )
    .action(async (paths: string[]) => {
      const [{ SchemaCatalog }, { expandFlowPaths, isFlowTestFileName }, { runFlowTestFile }, { createStepRegistry }] = await Promise.all([
        import('../../platform/avro/schema-catalog.js'),
        import('../../flows/flow-file-loader.js'),
        import('../../flows/flow-test-runner.js'),
        import('../../flows/step-registry.js'),
      ]);
      const files = await expandFlowPaths(paths, isFlowTestFileName);
      if (files.length === 0) {
        process.stderr.write(`no flow tests (*.test.yaml) in ${paths.join(', ')}\n`);
        process.exitCode = 1;
        return;
      }
      const deps = { schemas: await SchemaCatalog.load(), steps: createStepRegistry(), env: process.env };
      let passed = 0;
      let failed = 0;
      for (const file of files) {
        let result: FlowTestFileResult;
        try {
          result = await runFlowTestFile(file, deps);
        } catch (error) {
          printFailure(error);
          failed++;
          continue;
        }
        process.stdout.write(printable(result));
        passed += result.cases.filter((testCase) => testCase.passed).length;
        failed += result.cases.filter((testCase) => !testCase.passed).length + (result.issues.length > 0 ? 1 : 0);
      }
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      if (failed > 0) process.exitCode = 1;
    });
}

function printable(result: FlowTestFileResult): string {
  const lines = [`${result.file}${result.flow ? ` (flow ${result.flow})` : ''}`];
  if (result.issues.length > 0) lines.push('  ✗ cannot run:', ...result.issues.map((issue) => `      ${formatConfigIssue(issue)}`));
  for (const testCase of result.cases) {
    lines.push(`  ${testCase.passed ? '✓' : '✗'} ${testCase.name}`, ...testCase.problems.map((problem) => `      ${problem}`));
  }
  return `${lines.join('\n')}\n`;
}
