import { describe, expect, it, afterAll } from 'vitest';
import { createCa, createNodeCert, spkiSha256 } from '../../node/src/crypto/certs.js';
import {
  bundleFingerprint,
  fingerprintMatches,
  groupFingerprint,
  readAloudFingerprint,
} from '../../node/src/exchange/bundle.js';
import { checkBundle } from '../../node/src/exchange/partners.js';
import { startTestNode, stopAll } from '../helpers/nodes.js';

afterAll(stopAll);

describe('read-aloud fingerprint (docs/protocol.md §3.2)', () => {
  // vectors computed independently (Python: int.from_bytes(d[5k:5k+5], 'big') % 100000)
  it.each([
    ['47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU', '28312 71035 19033 54212 51492 41426'], // sha256("")
    ['5qqhUHGkSCdSBIkeN9NO-j4D7NcVYP6RVkpnVVMiivo', '76689 72996 94606 68631 09302 24994'], // sha256('{"entente":1}')
  ])('%s reads aloud as %s', (fp, digits) => {
    expect(readAloudFingerprint(fp)).toBe(digits);
    expect(fingerprintMatches(digits, fp)).toBe(true);
    expect(fingerprintMatches(digits.replace(/ /g, ''), fp)).toBe(true);
    expect(fingerprintMatches(groupFingerprint(fp), fp)).toBe(true);
    expect(
      fingerprintMatches(
        digits.replace(/^\d/, (c) => String((Number(c) + 1) % 10)),
        fp,
      ),
    ).toBe(false);
    expect(fingerprintMatches(digits.slice(0, -1), fp)).toBe(false);
  });
});

describe('partner bundles (docs/protocol.md §3.2)', () => {
  it('checks fingerprint, CA subject, chain, SAN URI and pin; a refusal stores nothing', async () => {
    const a = await startTestNode('aa-lic-01');
    const b = await startTestNode('bb-lic-01');
    const fp = b.fingerprint;
    expect(fp).toHaveLength(43);
    expect(groupFingerprint(fp).replace(/ /g, '')).toBe(fp);
    expect(() => checkBundle(b.bundle, groupFingerprint(fp), { nodeId: 'aa-lic-01', mode: 'live' })).not.toThrow();

    const refused = async (bundle: unknown, fingerprint: string, type: string) => {
      const r = await a.op('PUT', `/admin/v1/partners/bb-lic-01`, { bundle, fingerprint });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.type).toBe(`urn:entente:problem:${type}`);
      expect((await a.op('GET', '/admin/v1/partners')).body.items).toEqual([]);
    };
    await refused(b.bundle, fp.replace(/^./, fp[0] === 'A' ? 'B' : 'A'), 'fingerprint-mismatch');
    const withFp = async (bundle: typeof b.bundle, type: string) => refused(bundle, bundleFingerprint(bundle), type);
    // a CA subject that names the agency
    const named = createCa();
    const leaf = createNodeCert(named, { nodeId: 'bb-lic-01' });
    const forgeCa = (await import('node-forge')).default;
    const ca = forgeCa.pki.certificateFromPem(named.certPem);
    ca.setSubject([{ name: 'commonName', value: 'Ministry of Trade CA' }]);
    ca.setIssuer([{ name: 'commonName', value: 'Ministry of Trade CA' }]);
    ca.sign(forgeCa.pki.privateKeyFromPem(named.keyPem), forgeCa.md.sha256.create());
    await withFp({ ...b.bundle, cas: [forgeCa.pki.certificateToPem(ca)] }, 'bad-bundle');
    // a cert that does not chain to cas
    await withFp({ ...b.bundle, cert: leaf.certPem, tlsSpkiSha256: [spkiSha256(leaf.certPem)] }, 'bad-bundle');
    // a cert naming another node
    const other = createNodeCert(b.ca, { nodeId: 'cc-lic-01' });
    await withFp({ ...b.bundle, cert: other.certPem, tlsSpkiSha256: [spkiSha256(other.certPem)] }, 'bad-bundle');
    // a leaf that is a CA (basicConstraints CA:TRUE, keyUsage without keyCertSign), or lacks an EKU (issue 13 §6)
    for (const opts of [
      { basicConstraintsCa: true },
      { keyCertSign: true },
      { ekus: ['clientAuth' as const] },
      { ekus: [] },
    ]) {
      const unfit = createNodeCert(b.ca, { nodeId: 'bb-lic-01', keyPem: b.secrets.tlsKeyPem, ...opts });
      await withFp({ ...b.bundle, cert: unfit.certPem }, 'bad-bundle');
    }
    // SPKI not pinned
    await withFp({ ...b.bundle, tlsSpkiSha256: ['A'.repeat(43)] }, 'bad-bundle');
    // a signing key whose kid is not its thumbprint (issue 13 §5: the same check as for a key a statement announces)
    const [key] = b.bundle.keys.keys;
    await withFp({ ...b.bundle, keys: { keys: [{ ...key!, kid: 'A'.repeat(43) }] } }, 'bad-bundle');
    // schema: an unknown member
    await withFp({ ...b.bundle, extra: 1 } as typeof b.bundle, 'validation');
    // the path must name the bundle's node
    const r = await a.op('PUT', '/admin/v1/partners/cc-lic-01', { bundle: b.bundle, fingerprint: fp });
    expect(r.status).toBe(400);
    // accepted, and audited
    const ok = await a.op('PUT', '/admin/v1/partners/bb-lic-01', {
      bundle: b.bundle,
      fingerprint: groupFingerprint(fp),
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ nodeId: 'bb-lic-01', fingerprint: fp, removed: false, agreement: null });
    const again = await a.op('PUT', '/admin/v1/partners/bb-lic-01', { bundle: b.bundle, fingerprint: fp });
    expect(again.status).toBe(200);
    expect(a.node.services.audit.verify().ok).toBe(true);
  });
});
