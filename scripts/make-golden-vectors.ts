// Writes test/fixtures/golden/jws-vectors.json: valid and invalid compact JWS over entente/1
// payloads, signed with a fixed, published test key, so another implementation can check itself.
// Run: npx tsx scripts/make-golden-vectors.ts
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { canonicalString } from '../node/src/crypto/canonical.js';
import { sha256 } from '../node/src/crypto/digest.js';
import { thumbprint } from '../node/src/crypto/keys.js';

// A fixed Ed25519 test key (RFC 8032 test vector 1's secret). Never use it for anything else.
const d = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex').toString('base64url');
const x = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex').toString('base64url');
const jwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x, kid: '', alg: 'EdDSA' as const, use: 'sig' as const };
jwk.kid = thumbprint(jwk);
const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x, d }, format: 'jwk' });

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
function jws(header: object | string, payloadText: string): string {
  const h = b64(typeof header === 'string' ? header : JSON.stringify(header));
  const p = b64(payloadText);
  return `${h}.${p}.${sign(null, Buffer.from(`${h}.${p}`), key).toString('base64url')}`;
}
const H = { alg: 'EdDSA', kid: jwk.kid, typ: 'entente-release+jws' };
const record = JSON.parse(readFileSync('test/fixtures/design/denial-wa-sensitive.json', 'utf8'));
const base = {
  iss: 'nl-lic-01',
  aud: 'jp-lic-01',
  stream: 'AAAAAAAAAAAAAAAAAAAAAA',
  seq: 2,
  prev: sha256('seq-1-placeholder'),
  iat: 1767225600,
  kind: 'record',
  agreement: { reference: 'NL-JP-2025-01', version: 1 },
  record,
  redacted: [],
};
const canonical = canonicalString(base);

const vectors: { name: string; jws: string; expect: string; hash?: string; note?: string }[] = [];
const valid = jws(H, canonical);
vectors.push({ name: 'valid record release', jws: valid, expect: 'ok', hash: sha256(canonical) });
// signature-segment malleability: the last base64url character carries 2 unused bits
const last = valid.at(-1)!;
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const idx = alphabet.indexOf(last);
const mutated = valid.slice(0, -1) + alphabet[(idx & ~3) | ((idx + 1) & 3)];
vectors.push({
  name: 'same release, signature segment mutated in its unused bits',
  jws: mutated,
  expect: 'ok',
  hash: sha256(canonical),
  note: 'verifies; its identity is the payload hash, never the JWS text: a receiver treats it as a duplicate',
});
vectors.push({ name: 'extra header member', jws: jws({ ...H, cty: 'json' }, canonical), expect: 'header' });
vectors.push({
  name: 'alg none',
  jws: jws({ alg: 'none', kid: jwk.kid, typ: 'entente-release+jws' }, canonical),
  expect: 'header',
});
vectors.push({
  name: 'alg ES256',
  jws: jws({ alg: 'ES256', kid: jwk.kid, typ: 'entente-release+jws' }, canonical),
  expect: 'header',
});
vectors.push({
  name: 'duplicate header member (alg none, then EdDSA)',
  jws: jws(`{"alg":"none","alg":"EdDSA","kid":"${jwk.kid}","typ":"entente-release+jws"}`, canonical),
  expect: 'header',
  note: 'a parser that keeps the last member reads alg EdDSA; the header is refused (issue 13)',
});
vectors.push({
  name: 'duplicate header member written with an escape',
  jws: jws(
    `{"alg":"EdDSA","kid":"${jwk.kid}","typ":"entente-release+jws","\\u0074yp":"entente-release+jws"}`,
    canonical,
  ),
  expect: 'header',
});
vectors.push({
  name: 'receipt typ on a release',
  jws: jws({ ...H, typ: 'entente-receipt+jws' }, canonical),
  expect: 'header',
});
vectors.push({ name: 'unknown kid', jws: jws({ ...H, kid: sha256('other') }, canonical), expect: 'unknown-kid' });
const parts = valid.split('.');
const badSig = Buffer.from(parts[2]!, 'base64url');
badSig[0] = badSig[0]! ^ 1;
vectors.push({
  name: 'signature bit flipped',
  jws: `${parts[0]}.${parts[1]}.${badSig.toString('base64url')}`,
  expect: 'signature',
});
vectors.push({
  name: 'payload with a duplicate key',
  jws: jws(H, canonical.replace('{"agreement"', '{"aud":"de-enf-01","agreement"')),
  expect: 'not-canonical',
});
vectors.push({
  name: 'payload with a float (lineNo 1.0: invalid.md row 3)',
  jws: jws(H, canonical.replace('"lineNo":1', '"lineNo":1.0')),
  expect: 'not-canonical',
});
vectors.push({
  name: 'payload with a fraction',
  jws: jws(H, canonical.replace('"seq":2', '"seq":2.5')),
  expect: 'not-canonical',
});
vectors.push({
  name: 'payload with an exponent',
  jws: jws(H, canonical.replace('"seq":2', '"seq":2e0')),
  expect: 'not-canonical',
});
vectors.push({ name: 'payload with whitespace', jws: jws(H, JSON.stringify(base, null, 1)), expect: 'not-canonical' });
vectors.push({ name: 'payload with unsorted members', jws: jws(H, JSON.stringify(base)), expect: 'not-canonical' });
vectors.push({
  name: 'payload with a lone surrogate',
  jws: jws(H, canonical.replace('"Integration into', '"\\ud800 Integration into')),
  expect: 'not-canonical',
});
vectors.push({
  name: 'payload with an integer beyond 2^53-1',
  jws: jws(H, canonical.replace('"seq":2', '"seq":9007199254740993')),
  expect: 'not-canonical',
});
vectors.push({ name: 'not three segments', jws: parts.slice(0, 2).join('.'), expect: 'malformed' });

mkdirSync('test/fixtures/golden', { recursive: true });
writeFileSync(
  'test/fixtures/golden/jws-vectors.json',
  JSON.stringify(
    {
      description:
        'entente/1 compact JWS vectors (docs/protocol.md §6.1, §6.2, §6.7 checks 2–5); key is a fixed test key',
      typ: 'entente-release+jws',
      keys: { keys: [jwk] },
      vectors,
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${vectors.length} vectors`);
