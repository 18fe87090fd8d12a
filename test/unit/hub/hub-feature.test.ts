import { expect } from 'chai';
import { hubTopology, type HubFeature } from '../../../src/hub/hub-feature.js';

describe('hub features', () => {
  it("merge every feature's share of the topology in start order, reading each share once per call", () => {
    let flowReads = 0;
    const flowNames = ['to-erp'];
    const features: HubFeature[] = [
      { topology: () => ({ connectors: [{ name: 'crm', kind: 'source', topics: ['crm.customer.v1'] }] }) },
      { routes: [] },
      {
        topology: () => {
          flowReads++;
          return { flows: flowNames.map((name) => ({ name, from: ['crm.customer.v1'], to: [{ topic: 'erp.customer.v1' }] })) };
        },
      },
      { topology: () => ({ connectors: [{ name: 'erp', kind: 'sink', topics: ['erp.customer.v1'] }], processors: [] }) },
    ];
    const first = hubTopology(features);
    expect(first.connectors.map((connector) => connector.name)).to.deep.equal(['crm', 'erp']);
    expect(first.flows.map((flow) => flow.name)).to.deep.equal(['to-erp']);
    expect(first.processors).to.deep.equal([]);
    expect(flowReads).to.equal(1);
    // A flow added since (a reloaded flows folder) shows at the next call.
    flowNames.push('to-desk');
    expect(hubTopology(features).flows.map((flow) => flow.name)).to.deep.equal(['to-erp', 'to-desk']);
    expect(flowReads).to.equal(2);
  });

  it('give an empty graph when no feature has a share', () => {
    expect(hubTopology([{ readiness: [] }])).to.deep.equal({ connectors: [], flows: [], processors: [] });
  });
});
