import { sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { compactVerify, importJWK, calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  CanonicalText,
  canonicalBytes,
  canonicalString,
  hasDuplicateMember,
  parseCanonical,
} from '../../node/src/crypto/canonical.js';
import { FileSigner, signJson, verifyJws } from '../../node/src/crypto/jws.js';
import {
  generateSigningKey,
  privateKeyObject,
  publicJwk,
  signingKeyProblem,
  type PrivateJwk,
  type PublicJwk,
} from '../../node/src/crypto/keys.js';
import { sha256 } from '../../node/src/crypto/digest.js';
import { SignaturePool } from '../../node/src/crypto/signature-pool.js';

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/golden/jws-vectors.json'), 'utf8')) as {
  keys: { keys: PublicJwk[] };
  vectors: { name: string; jws: string; expect: string; hash?: string }[];
};

describe('golden JWS vectors', () => {
  it.each(golden.vectors.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    const r = verifyJws(v.jws, { typ: 'entente-release+jws', keys: golden.keys.keys });
    if (v.expect === 'ok') {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.hash).toBe(v.hash);
    } else {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toBe(v.expect);
    }
  });
});

describe('signing', () => {
  it('produces the exact header of docs/protocol.md §6.2 and verifies with jose independently', async () => {
    const key = generateSigningKey();
    const signer = new FileSigner(key);
    const { jws, hash } = signJson(signer, { b: 1, a: 'x' }, 'entente-record+jws');
    const [h, p] = jws.split('.');
    expect(Buffer.from(h!, 'base64url').toString()).toBe(
      JSON.stringify({ alg: 'EdDSA', kid: key.kid, typ: 'entente-record+jws' }),
    );
    expect(Buffer.from(p!, 'base64url').toString()).toBe('{"a":"x","b":1}');
    expect(hash).toBe(sha256('{"a":"x","b":1}'));
    const pub = await importJWK(publicJwk(key), 'EdDSA');
    const out = await compactVerify(jws, pub, { algorithms: ['EdDSA'] });
    expect(out.protectedHeader.typ).toBe('entente-record+jws');
    expect(await calculateJwkThumbprint(publicJwk(key))).toBe(key.kid);
  });

  it('refuses a key outside [nbf, exp] at the payload iat', () => {
    const key = generateSigningKey(1000);
    const { jws } = signJson(new FileSigner(key), { iat: 999 }, 'entente-release+jws');
    const r = verifyJws(jws, {
      typ: 'entente-release+jws',
      keys: [publicJwk(key)],
      iatOf: (p) => (p as { iat: number }).iat,
    });
    expect(r).toMatchObject({ ok: false, reason: 'key-not-valid-at-iat' });
  });
});

const createSign = (input: string, key: PrivateJwk) =>
  sign(null, Buffer.from(input), privateKeyObject(key)).toString('base64url');

describe('protected header members are never duplicated (issue 13 §4)', () => {
  const key = generateSigningKey();
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const signedWith = (headerText: string, payloadText: string) => {
    const input = `${b64(headerText)}.${b64(payloadText)}`;
    return `${input}.${createSign(input, key)}`;
  };
  it.each(['entente-release+jws', 'entente-receipt+jws', 'entente-checkpoint+jws', 'entente-record+jws'] as const)(
    '%s: {"alg":"none","alg":"EdDSA",…} and a member repeated through an escape are refused at the header',
    (typ) => {
      const payload = canonicalString({ iat: 1, iss: 'nl-lic-01' });
      const ok = verifyJws(signedWith(`{"alg":"EdDSA","kid":"${key.kid}","typ":"${typ}"}`, payload), {
        typ,
        keys: [publicJwk(key)],
      });
      expect(ok.ok).toBe(true);
      for (const header of [
        `{"alg":"none","alg":"EdDSA","kid":"${key.kid}","typ":"${typ}"}`,
        `{"alg":"EdDSA","kid":"${key.kid}","typ":"${typ}","\\u006bid":"${key.kid}"}`,
      ]) {
        expect(verifyJws(signedWith(header, payload), { typ, keys: [publicJwk(key)] })).toMatchObject({
          ok: false,
          reason: 'header',
          detail: 'protected header has a duplicate member',
        });
      }
    },
  );
  it('hasDuplicateMember looks at every object, unescapes names, and ignores strings and arrays', () => {
    expect(hasDuplicateMember('{"a":1,"b":{"c":[{"d":1},{"d":2}],"e":"{\\"a\\":1,\\"a\\":2}"}}')).toBe(false);
    expect(hasDuplicateMember('{"a":1,"b":{"c":1,"c":2}}')).toBe(true);
    expect(hasDuplicateMember('[{"x":1},{"y":[1,{"z":1,"\\u007a":2}]}]')).toBe(true);
    expect(hasDuplicateMember('{"a\\"b":1,"a\\u0022b":2}')).toBe(true);
    expect(hasDuplicateMember('"just a string"')).toBe(false);
  });
});

describe('partner signing keys: one check for bundles and announcements (issue 13 §5)', () => {
  const good = publicJwk(generateSigningKey());
  const other = publicJwk(generateSigningKey());
  const lastBitsSet = (x: string) =>
    x.slice(0, -1) +
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(x.at(-1)!) ^ 1
    ];
  it.each([
    ['kid of another key', { ...good, kid: other.kid }, '/kid'],
    ['kid not a thumbprint at all', { ...good, kid: 'A'.repeat(43) }, '/kid'],
    ['X25519', { ...good, crv: 'X25519' }, '/crv'],
    ['EC', { ...good, kty: 'EC' }, '/kty'],
    ['ES256', { ...good, alg: 'ES256' }, '/alg'],
    ['use enc', { ...good, use: 'enc' }, '/use'],
    ['x with unused bits set (another text for the same key)', { ...good, x: lastBitsSet(good.x) }, '/x'],
    ['x of 31 bytes', { ...good, x: good.x.slice(0, 42) }, '/x'],
    ['a private member', { ...good, d: good.x }, '/d'],
    ['nbf after exp', { ...good, nbf: 20, exp: 10 }, '/exp'],
    ['nbf a fraction', { ...good, nbf: 1.5 }, '/nbf'],
  ])('%s is refused at %s', (_n, key, pointer) => {
    expect(signingKeyProblem(key)?.pointer).toBe(pointer);
  });
  it('a key as `entente init` makes it passes, with or without a validity window', () => {
    expect(signingKeyProblem(good)).toBeNull();
    expect(signingKeyProblem({ ...good, nbf: 10, exp: 20 })).toBeNull();
  });
});

describe('RFC 8785 canonical JSON', () => {
  const json = fc.jsonValue({ maxDepth: 4 }).filter((v) => {
    try {
      canonicalString(v);
      return true;
    } catch {
      return false;
    }
  });
  it('does not depend on member order, and round-trips through the strict parser', () => {
    fc.assert(
      fc.property(json, (v) => {
        const bytes = canonicalBytes(v);
        const shuffled = JSON.parse(
          JSON.stringify(v, (_k, x) =>
            x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x,
          ),
        );
        expect(canonicalBytes(shuffled).equals(bytes)).toBe(true);
        expect(canonicalString(parseCanonical(bytes))).toBe(bytes.toString('utf8'));
      }),
      { numRuns: 300 },
    );
  });
  it("a value's canonical text made earlier is written verbatim, as if serialised in place", () => {
    fc.assert(
      fc.property(json, json, (inner, outer) => {
        const whole = { outer, record: inner, z: 1 };
        expect(canonicalString({ ...whole, record: new CanonicalText(canonicalString(inner)) })).toBe(
          canonicalString(whole),
        );
      }),
      { numRuns: 200 },
    );
  });
  it('refuses floats, unsafe integers and lone surrogates', () => {
    expect(() => canonicalString({ a: 1.5 })).toThrow();
    expect(() => canonicalString({ a: 2 ** 53 })).toThrow();
    expect(() => canonicalString({ a: '\ud800' })).toThrow();
    expect(() => parseCanonical(Buffer.from('{"a":1,"a":2}'))).toThrow();
    expect(() => parseCanonical(Buffer.from('{"a":1.0}'))).toThrow();
  });
});

describe('canonical-bytes check on a peeked payload', () => {
  it('refuses invalid UTF-8 even where a lenient decode keeps the length', async () => {
    const { peekJws } = await import('../../node/src/crypto/jws.js');
    const key = generateSigningKey();
    const signer = new FileSigner(key);
    // F0 9F 98 is a truncated 4-byte sequence: a lenient decoder turns its 3 bytes into one 3-byte U+FFFD
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('"}')]);
    const jws = signer.sign(bytes, 'entente-release+jws');
    const peeked = peekJws(jws)!;
    expect(Buffer.byteLength(peeked.payloadText)).toBe(bytes.length);
    const r = verifyJws(jws, { typ: 'entente-release+jws', keys: [publicJwk(key)], peeked });
    expect(r).toMatchObject({ ok: false, reason: 'not-canonical' });
    expect(verifyJws(jws, { typ: 'entente-release+jws', keys: [publicJwk(key)] })).toMatchObject({
      ok: false,
      reason: 'not-canonical',
    });
  });
});

describe('our single-pass RFC 8785 serialiser agrees with the canonicalize reference', () => {
  it('on arbitrary I-JSON values, including non-BMP and U+FFFF member names', async () => {
    const { default: reference } = await import('canonicalize');
    const safe = fc.jsonValue({ maxDepth: 5 }).filter((v) => {
      try {
        canonicalString(v);
        return true;
      } catch {
        return false;
      }
    });
    fc.assert(
      fc.property(safe, (v) => {
        const ours = canonicalString(v);
        const ref = reference(v);
        if (ours !== ref) throw new Error(`differs: ${ours} vs ${ref}`);
      }),
      { numRuns: 2000 },
    );
    const tricky = {
      '\u{1F600}': 1,
      '\uFFFF': 2,
      a: [-0, 0, 9007199254740991, -9007199254740991, 'é\n"\\\u2028'],
      '': null,
      B: { z: true, Z: false },
    };
    expect(canonicalString(tricky)).toBe(reference(tricky));
  });
});

describe('signatures checked on two threads (SignaturePool)', () => {
  const key = generateSigningKey();
  const other = generateSigningKey();
  const keys = [publicJwk(key)];
  const signer = new FileSigner(key);
  const forged = new FileSigner({ ...other, kid: key.kid });

  it('agrees with this thread on every item of a large batch; unknown kids and malformed items are left to verifyJws', async () => {
    const items = Array.from(
      { length: 64 },
      (_v, i) => signJson(i === 7 || i === 50 ? forged : signer, { i }, 'entente-release+jws').jws,
    );
    items[20] = 'not a jws';
    items[40] = signJson(new FileSigner(other), { i: 40 }, 'entente-release+jws').jws; // a kid A does not have
    const pool = new SignaturePool();
    try {
      const pre = await pool.check(items, keys);
      expect(pre.has(20)).toBe(false);
      expect(pre.has(40)).toBe(false);
      for (const [i, p] of pre) {
        expect(p.x).toBe(key.x);
        expect(p.ok, `item ${i}`).toBe(i !== 7 && i !== 50);
        expect(verifyJws(items[i]!, { typ: 'entente-release+jws', keys, presigned: p }).ok).toBe(p.ok);
      }
    } finally {
      await pool.close();
    }
  });

  it('verifyJws ignores an answer given for another key, and refuses on a negative one for its key', () => {
    const bad = signJson(forged, { a: 1 }, 'entente-release+jws').jws;
    expect(verifyJws(bad, { typ: 'entente-release+jws', keys, presigned: { x: other.x, ok: true } })).toMatchObject({
      ok: false,
      reason: 'signature',
    });
    const good = signJson(signer, { a: 1 }, 'entente-release+jws').jws;
    expect(verifyJws(good, { typ: 'entente-release+jws', keys, presigned: { x: key.x, ok: false } })).toMatchObject({
      ok: false,
      reason: 'signature',
    });
  });
});
