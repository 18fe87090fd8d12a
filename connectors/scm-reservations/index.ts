// The SCM reservation sink lives beside the SCM stock source it shares mapping and simulator with.
export { default } from '../scm-inventory/reservation-sink.js';
