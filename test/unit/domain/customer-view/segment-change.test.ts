import { expect } from 'chai';
import { segmentChange } from '../../../../src/domain/customer-view/segments/segment-change.js';

describe('segmentChange', () => {
  it('emits nothing when the segment stays', () => {
    expect(segmentChange('GOLD', { segment: 'GOLD', rule: 'rules[1]' })).to.equal(undefined);
    expect(segmentChange('UNCLASSIFIED', { segment: 'UNCLASSIFIED', rule: 'default' })).to.equal(undefined);
  });

  it('emits an upgrade or a downgrade by the order of the segments', () => {
    expect(segmentChange('SILVER', { segment: 'GOLD', rule: 'rules[1]' })).to.deep.equal({
      eventType: 'ValueSegmentChanged',
      from: 'SILVER',
      to: 'GOLD',
      direction: 'UPGRADE',
      rule: 'rules[1]',
    });
    expect(segmentChange('UNCLASSIFIED', { segment: 'BRONZE', rule: 'rules[3]' })?.direction).to.equal('UPGRADE');
    expect(segmentChange('PLATINUM', { segment: 'BRONZE', rule: 'rules[3]' })?.direction).to.equal('DOWNGRADE');
    expect(segmentChange('BRONZE', { segment: 'UNCLASSIFIED', rule: 'default' })).to.deep.equal({
      eventType: 'ValueSegmentChanged',
      from: 'BRONZE',
      to: 'UNCLASSIFIED',
      direction: 'DOWNGRADE',
      rule: 'default',
    });
  });

  it('tells a first segment and one replacing a name that is no segment apart', () => {
    expect(segmentChange(undefined, { segment: 'SILVER', rule: 'rules[2]' })).to.deep.equal({
      eventType: 'ValueSegmentChanged',
      from: null,
      to: 'SILVER',
      direction: 'INITIAL',
      rule: 'rules[2]',
    });
    expect(segmentChange('VIP', { segment: 'GOLD', rule: 'rules[1]' })).to.deep.equal({
      eventType: 'ValueSegmentChanged',
      from: 'VIP',
      to: 'GOLD',
      direction: 'RECLASSIFIED',
      rule: 'rules[1]',
    });
  });
});
