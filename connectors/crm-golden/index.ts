// The CRM's golden-record write-back sink lives beside the CRM source it shares mapping and simulator with.
export { default } from '../crm/golden-sink.js';
