import { expect } from 'chai';
import { PersonalDataView } from '../../../../src/interfaces/api/personal-data-view.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';

describe('personal data by role', () => {
  let view: PersonalDataView;
  const match = {
    golden: {
      goldenId: 'G-1',
      fullName: '张伟',
      idNumber: '440305198503120132',
      mobile: '13812345678',
      email: 'zhang.wei@example.cn',
      vehiclePlates: ['粤B12345'],
      valueSegment: 'GOLD',
    },
    crossReferences: [{ system: 'crm', systemId: 'C440300000123' }],
    events: [{ eventType: 'LINKED', detail: 'linked by mobile 13812345678' }],
  };

  before(async () => {
    view = new PersonalDataView(await SchemaCatalog.load());
  });

  it('shows operators and admins the customer whole', () => {
    for (const role of ['operator', 'admin'] as const) expect(view.for({ name: 'agent', role }, match)).to.equal(match);
  });

  it('masks for a viewer, or nobody, what logs mask: fields marked pii and identifiers in any text, keeping the rest', () => {
    for (const principal of [{ name: 'dashboard', role: 'viewer' as const }, undefined]) {
      const seen = view.for(principal, match);
      expect(seen.golden).to.deep.equal({
        goldenId: 'G-1',
        fullName: '张*',
        idNumber: '440305********0132',
        mobile: '138****5678',
        email: 'z***@example.cn',
        vehiclePlates: ['粤****45'],
        valueSegment: 'GOLD',
      });
      expect(seen.crossReferences).to.deep.equal(match.crossReferences);
      expect(seen.events[0]!.detail).to.not.contain('13812345678');
    }
    expect(match.golden.mobile, 'the original untouched').to.equal('13812345678');
  });
});
