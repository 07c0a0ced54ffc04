// Deterministic STIX identifiers: UUIDv5 (RFC 9562 §5.5: SHA-1 of namespace and name) under one
// fixed namespace, so that exporting the same record again names the same objects. Pure.
import { createHash } from 'node:crypto';

/** The Entente STIX namespace (fixed; documented in docs/stix-mapping.md). Never change it. */
export const ENTENTE_STIX_NAMESPACE = '7f99c257-479b-41ec-9825-aade28db92a1';

export function uuid5(name: string, namespace: string = ENTENTE_STIX_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error('the namespace is not a UUID');
  const b = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A STIX identifier `<type>--<uuid5(name)>`. */
export function stixId(type: string, name: string): string {
  return `${type}--${uuid5(name)}`;
}
