import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, PROJECT_ROOT, runCli } from '../../../support/cli-process.js';

describe('crm-hub schemas list', () => {
  let dir: string;
  const longTopic = 'crm.customer.golden-with-a-rather-long-topic-name.v1';

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-schemas-list-'));
    fs.cpSync(path.join(PROJECT_ROOT, 'schemas'), dir, { recursive: true });
    const topicsFile = path.join(dir, 'topics.json');
    const topics = JSON.parse(fs.readFileSync(topicsFile, 'utf8')) as Record<string, unknown>;
    topics[longTopic] = { record: 'crmhub.customer.Customer', key: 'customerId' };
    fs.writeFileSync(topicsFile, JSON.stringify(topics, null, 2));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lines up record, key and file whatever the length of a topic name', async () => {
    const list = await runCli(['schemas', 'list', '--schemas', dir], cleanEnv({}));
    expect(list.code, list.stderr).to.equal(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines.some((line) => line.startsWith(`${longTopic} `))).to.equal(true);
    const startOf = (line: string, pattern: RegExp) => line.search(pattern);
    for (const [name, pattern] of [
      ['record', / crmhub\./],
      ['key', / key=/],
      ['file', / \S+\.avsc/],
    ] as const) {
      const starts = new Set(lines.map((line) => startOf(line, pattern)));
      expect([...starts], `${name} column:\n${list.stdout}`).to.have.length(1);
    }
    for (const line of lines) expect(line).to.not.match(/\s$/);
  });
});
