import dns from 'node:dns';
import net from 'node:net';
import { DeliveryError } from '../sdk/delivery-error.js';

// Where a request to a back-office system must never land unless an operator said so: this
// machine, private networks, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
// and addresses that are not unicast.
const NON_PUBLIC = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address is loopback, private, link-local or otherwise not on the public internet (IPv4-mapped IPv6 included). */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return NON_PUBLIC.check(mapped, 'ipv4');
  const family = net.isIP(address);
  if (family === 0) return true;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class AddressNotAllowedError extends DeliveryError {
  constructor(host: string, address: string) {
    super(
      'ADDRESS_NOT_ALLOWED',
      `host ${host} resolves to ${address}, a loopback, private or link-local address; set allowPrivateNetworks: true on the instance if it really is a back-office system on the internal network`,
      { retriable: false },
    );
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A DNS lookup for outbound connections that refuses names resolving to non-public addresses, so
 * that an allow-listed name (or a wildcard match) cannot be pointed at this machine or the cloud
 * metadata service by whoever controls its DNS. It checks the addresses the socket will really use,
 * at connect time, redirects included. IP literals never reach a lookup: the allow-list names them.
 */
export function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, options.all ? [] : '');
    const refused = addresses.find((entry) => isNonPublicAddress(entry.address));
    if (refused)
      return callback(new AddressNotAllowedError(hostname, refused.address) as unknown as NodeJS.ErrnoException, options.all ? [] : '');
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    return callback(null, first.address, first.family);
  });
}
