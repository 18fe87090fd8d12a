import { expect } from 'chai';
import { topology } from '../../../../src/interfaces/api/topology.js';

describe('hub topology', () => {
  it('draws sources → topics → flows → topics/sinks and processors, each node once', () => {
    const graph = topology({
      connectors: [
        { name: 'crm', kind: 'source', topics: ['crm.customer.v1'] },
        { name: 'erp', kind: 'sink', topics: ['erp.customer.v1'] },
        { name: 'crm-flags', kind: 'sink', topics: ['crm.customer-flag.v1'] },
      ],
      flows: [{ name: 'to-erp', from: ['crm.customer.v1'], to: [{ topic: 'erp.customer.v1' }, { connector: 'crm-flags' }] }],
      processors: [{ name: 'identity-resolution', from: ['crm.customer.v1'], to: ['customer.golden.v1'] }],
    });
    expect(graph.nodes.map((node) => node.id).sort()).to.deep.equal([
      'connector:crm',
      'connector:crm-flags',
      'connector:erp',
      'flow:to-erp',
      'processor:identity-resolution',
      'topic:crm.customer-flag.v1',
      'topic:crm.customer.v1',
      'topic:customer.golden.v1',
      'topic:erp.customer.v1',
    ]);
    expect(graph.edges.map((edge) => `${edge.from} → ${edge.to}`).sort()).to.deep.equal([
      'connector:crm → topic:crm.customer.v1',
      'flow:to-erp → connector:crm-flags',
      'flow:to-erp → topic:erp.customer.v1',
      'processor:identity-resolution → topic:customer.golden.v1',
      'topic:crm.customer-flag.v1 → connector:crm-flags',
      'topic:crm.customer.v1 → flow:to-erp',
      'topic:crm.customer.v1 → processor:identity-resolution',
      'topic:erp.customer.v1 → connector:erp',
    ]);
  });
});
