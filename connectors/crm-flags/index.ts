// The CRM's flag write-back sink lives beside the CRM source it shares mapping and simulator with.
export { default } from '../crm/flag-sink.js';
