// The service desk's customer-context sink lives beside the desk source it shares its simulator with.
export { default } from '../service-desk/customer-context-sink.js';
