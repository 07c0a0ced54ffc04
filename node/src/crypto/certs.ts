// X.509 for docs/protocol.md §3: node-forge builds certificates (keys come from node:crypto); Node's
// X509Certificate parses and checks them. node-forge never verifies anything at run time.
import { NODE_ID } from '../schema/patterns.js';
import {
  X509Certificate,
  generateKeyPairSync,
  randomBytes,
  createPrivateKey,
  createPublicKey,
  sign as rsaSign,
} from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { sha256 } from './digest.js';

export interface KeyAndCert {
  keyPem: string;
  certPem: string;
}

export const NODE_URI_PREFIX = 'urn:entente:node:';
const CA_CN = /^CN=entente-ca-[0-9a-f]{16}$/;

function rsaKeyPair(bits: number): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

/**
 * Signs a forge certificate with a node:crypto RSA key (SHA-256, PKCS#1 v1.5). forge's own RSA
 * signing is pure JavaScript and ~40 ms per certificate; this gives the same signature natively.
 */
function signWithNode(cert: forge.pki.Certificate, privatePem: string): void {
  const key = createPrivateKey(privatePem);
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption!;
  // getTBSCertificate exists at run time but is missing from @types/node-forge
  const pki = forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  const tbs = forge.asn1.toDer(pki.getTBSCertificate(cert)).getBytes();
  cert.signature = rsaSign('sha256', Buffer.from(tbs, 'binary'), key).toString('binary');
}

/** A validity period; by default from an hour ago for the given number of days. */
export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

function validityFrom(days: number): Validity {
  return { notBefore: new Date(Date.now() - 3600_000), notAfter: new Date(Date.now() + days * 86_400_000) };
}

/** A CA with a non-identifying subject `CN=entente-ca-<16 hex>` (docs/protocol.md §3.1). */
export function createCa(validDays = 3650, validity: Validity = validityFrom(validDays)): KeyAndCert {
  const { privatePem, publicPem } = rsaKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = serial();
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  const attrs = [{ name: 'commonName', value: `entente-ca-${randomBytes(8).toString('hex')}` }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signWithNode(cert, privatePem);
  return { keyPem: privatePem, certPem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n') };
}

export interface LeafOptions {
  /** Exactly one SAN URI `urn:entente:node:<nodeId>` unless `uris` overrides (tests of refusals). */
  nodeId: string;
  hosts?: string[];
  uris?: string[];
  validDays?: number;
  /** An explicit period instead of `validDays` from now (the committed example keys). */
  validity?: Validity;
  /** Reuse an existing key (PEM), e.g. to test an unpinned-key certificate or a renewal. */
  keyPem?: string;
  /** Tests of refusals: basicConstraints CA:TRUE (keyUsage stays digitalSignature + keyEncipherment). */
  basicConstraintsCa?: boolean;
  /** Tests of refusals: also keyUsage keyCertSign. */
  keyCertSign?: boolean;
  /** Tests of refusals: the EKUs to carry (default both; `[]` leaves the extension out). */
  ekus?: TlsPurpose[];
}

/** A node's TLS certificate: EKU serverAuth + clientAuth, SAN URI of the node, DNS/IP SANs for the listen address. */
export function createNodeCert(ca: KeyAndCert, options: LeafOptions): KeyAndCert {
  let privatePem = options.keyPem;
  let publicPem: string;
  if (privatePem) {
    publicPem = createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'pem' }) as string;
  } else {
    ({ privatePem, publicPem } = rsaKeyPair(2048));
  }
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = serial();
  const validity = options.validity ?? validityFrom(options.validDays ?? 825);
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  cert.setSubject([{ name: 'commonName', value: options.nodeId }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames: { type: number; value?: string; ip?: string }[] = [];
  for (const uri of options.uris ?? [NODE_URI_PREFIX + options.nodeId]) altNames.push({ type: 6, value: uri });
  for (const h of options.hosts ?? []) {
    if (isIP(h)) altNames.push({ type: 7, ip: h });
    else altNames.push({ type: 2, value: h });
  }
  const ekus = options.ekus ?? ['serverAuth', 'clientAuth'];
  cert.setExtensions([
    { name: 'basicConstraints', cA: options.basicConstraintsCa ?? false, critical: true },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      keyCertSign: options.keyCertSign ?? false,
      critical: true,
    },
    ...(ekus.length
      ? [{ name: 'extKeyUsage', serverAuth: ekus.includes('serverAuth'), clientAuth: ekus.includes('clientAuth') }]
      : []),
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signWithNode(cert, ca.keyPem);
  return { keyPem: privatePem, certPem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n') };
}

/** base64url SHA-256 of the DER SubjectPublicKeyInfo: the pin (docs/protocol.md §3.2). */
export function spkiSha256(cert: X509Certificate | string): string {
  const x = typeof cert === 'string' ? new X509Certificate(cert) : cert;
  return sha256(x.publicKey.export({ type: 'spki', format: 'der' }));
}

/** The certificate's extensions by OID: the DER of each extnValue (the content of its OCTET STRING). */
function extensions(cert: X509Certificate): Map<string, string> {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(cert.raw.toString('binary')));
  const tbs = (asn1.value as forge.asn1.Asn1[])[0]!;
  const out = new Map<string, string>();
  for (const field of tbs.value as forge.asn1.Asn1[]) {
    // extensions: [3] EXPLICIT
    // node-forge types tagClass and Class apart; both are the ASN.1 class number
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-comparison
    if (field.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || field.type !== 3) continue;
    const exts = (field.value as forge.asn1.Asn1[])[0]!;
    for (const ext of exts.value as forge.asn1.Asn1[]) {
      const parts = ext.value as forge.asn1.Asn1[];
      out.set(forge.asn1.derToOid(parts[0]!.value as string), parts[parts.length - 1]!.value as string);
    }
  }
  return out;
}

/** Every SAN URI of a certificate, read from its DER extension (never by splitting strings). */
export function sanUris(cert: X509Certificate): string[] {
  const octets = extensions(cert).get('2.5.29.17');
  if (octets === undefined) return [];
  const uris: string[] = [];
  const names = forge.asn1.fromDer(forge.util.createBuffer(octets));
  for (const gn of names.value as forge.asn1.Asn1[]) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-comparison
    if (gn.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && gn.type === 6)
      uris.push(forge.util.decodeUtf8(gn.value as string));
  }
  return uris;
}

/**
 * basicConstraints cA, read from the DER. Node's `X509Certificate.ca` is OpenSSL's X509_check_ca,
 * which answers false for a CA:TRUE certificate whose keyUsage lacks keyCertSign: exactly the
 * certificate issue 13 used as a leaf.
 */
function basicConstraintsCa(ext: Map<string, string>): boolean {
  const octets = ext.get('2.5.29.19');
  if (octets === undefined) return false;
  const seq = forge.asn1.fromDer(forge.util.createBuffer(octets)).value as forge.asn1.Asn1[];
  const first = seq[0];
  return !!first && first.type === forge.asn1.Type.BOOLEAN && (first.value as string) !== '\x00';
}

/** keyUsage keyCertSign or cRLSign (bits 5 and 6 of the BIT STRING). */
function keyUsageSignsCertificates(ext: Map<string, string>): boolean {
  const octets = ext.get('2.5.29.15');
  if (octets === undefined) return false;
  const bits = forge.asn1.fromDer(forge.util.createBuffer(octets)).value as string;
  // the first octet counts the unused bits; bit 0 is the high bit of the second
  return bits.length > 1 && (bits.charCodeAt(1) & 0x06) !== 0;
}

export type TlsPurpose = 'clientAuth' | 'serverAuth';
const EKU: Record<TlsPurpose, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };

/**
 * Why a certificate may not be a partner's TLS leaf for this direction (clientAuth when it connects
 * to us, serverAuth when we connect to it), or null: a leaf is never a CA (basicConstraints CA:TRUE,
 * or a keyUsage that signs certificates) and carries the extended key usage of its direction.
 * OpenSSL accepts a CA certificate as a peer's leaf, and a leaf with no EKU extension at all.
 */
export function leafProblem(cert: X509Certificate, purpose: TlsPurpose): string | null {
  const ext = extensions(cert);
  if (basicConstraintsCa(ext)) return 'the certificate is a CA (basicConstraints CA:TRUE)';
  if (keyUsageSignsCertificates(ext)) return 'the certificate may sign certificates (keyUsage keyCertSign or cRLSign)';
  if (!(cert.keyUsage ?? []).includes(EKU[purpose])) return `the certificate lacks the extended key usage ${purpose}`;
  return null;
}

/** The node id named by a certificate's only `urn:entente:node:` SAN URI, or null (none, or several). */
export function nodeIdOfCert(cert: X509Certificate): string | null {
  const uris = sanUris(cert).filter((u) => u.startsWith(NODE_URI_PREFIX));
  if (uris.length !== 1) return null;
  const id = uris[0]!.slice(NODE_URI_PREFIX.length);
  return NODE_ID.test(id) ? id : null;
}

/** True when `cert` was issued and signed by `ca`, and both are within their validity at `now`. */
export function chainsTo(cert: X509Certificate, ca: X509Certificate, now = Date.now()): boolean {
  if (!ca.ca) return false;
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
  const valid = (x: X509Certificate) => Date.parse(x.validFrom) <= now && now <= Date.parse(x.validTo);
  return valid(cert) && valid(ca);
}

export function isNonIdentifyingCaSubject(ca: X509Certificate): boolean {
  return CA_CN.test(ca.subject.trim()) && ca.subject === ca.issuer;
}

export function parseCert(pem: string): X509Certificate {
  return new X509Certificate(pem);
}
