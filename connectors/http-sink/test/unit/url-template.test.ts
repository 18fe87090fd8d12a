import { expect } from 'chai';
import { compileUrlTemplate, templateHost } from '../../url-template.js';
import type { SinkRecord } from '../../../../src/connect/sdk/connector-definition.js';

const record: SinkRecord = {
  topic: 'crm.customer.v1',
  partition: 0,
  offset: '5',
  key: 'C 1/2',
  value: { customerId: 'C1', holder: { name: '张伟' } },
  schemaName: 'crmhub.customer.Customer',
  headers: {},
};

describe('http-sink URL templates', () => {
  it('fills key, topic and nested value fields, URL-encoded', () => {
    expect(compileUrlTemplate('https://erp.example.com/api/{topic}/{key}?name={value.holder.name}')(record)).to.equal(
      'https://erp.example.com/api/crm.customer.v1/C%201%2F2?name=%E5%BC%A0%E4%BC%9F',
    );
  });

  it('refuses unknown placeholders when the instance is created', () => {
    expect(() => compileUrlTemplate('https://x.example.com/{id}')).to.throw(
      'url placeholder {id} is not {key}, {topic} or {value.<field>...}',
    );
  });

  it('names the host of a template for the default allow-list', () => {
    expect(templateHost('https://erp.example.com:8443/api/{key}')).to.equal('erp.example.com');
  });
});
