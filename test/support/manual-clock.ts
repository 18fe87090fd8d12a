export { ManualClock } from '../../src/core/manual-clock.js';
