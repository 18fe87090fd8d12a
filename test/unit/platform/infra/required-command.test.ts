import { expect } from 'chai';
import { requireCommand } from '../../../../src/platform/infra/required-command.js';
import { InfrastructureError } from '../../../../src/platform/infra/infrastructure-error.js';

describe('requireCommand', () => {
  it('returns the version output of a tool that is there', async () => {
    expect(await requireCommand('sh', ['-c', 'echo tool 1.2'], 'for this test')).to.equal('tool 1.2');
  });

  it('names the missing tool, why it is needed and the way round it', async () => {
    const error = (await requireCommand(
      'java-that-is-not-installed',
      ['-version'],
      'to run the embedded Kafka broker (or set KAFKA_BROKERS to use an existing one)',
    ).catch((e: unknown) => e)) as InfrastructureError;
    expect(error).to.be.instanceOf(InfrastructureError);
    expect(error.code).to.equal('TOOL_MISSING');
    expect(error.message).to.contain("'java-that-is-not-installed' is needed to run the embedded Kafka broker (or set KAFKA_BROKERS");
  });
});
