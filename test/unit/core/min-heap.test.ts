import { expect } from 'chai';
import fc from 'fast-check';
import { MinHeap } from '../../../src/core/min-heap.js';

describe('MinHeap', () => {
  it('takes items out least first, pushes and pops interleaved', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constant('pop' as const)), { maxLength: 300 }),
        (operations) => {
          const heap = new MinHeap<number>((a, b) => a < b);
          const held: number[] = [];
          for (const operation of operations) {
            if (operation === 'pop') {
              held.sort((a, b) => a - b);
              expect(heap.pop()).to.equal(held.shift());
            } else {
              heap.push(operation);
              held.push(operation);
            }
            expect(heap.size).to.equal(held.length);
            expect(heap.peek()).to.equal(held.length === 0 ? undefined : Math.min(...held));
          }
        },
      ),
    );
  });
});
