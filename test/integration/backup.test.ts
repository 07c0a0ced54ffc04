// `entente backup` of a running node restores to a node that starts, verifies its audit chain and
// resumes its streams (both as sender and as receiver), with deliveries made after the backup point.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNode } from '../../node/src/app.js';
import { loadConfig, loadSecrets } from '../../node/src/config/index.js';
import { agreement, push, receivedAt } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { cli } from '../helpers/cli.js';
import { link, startTestNode, stopAll, tempDir } from '../helpers/nodes.js';

afterAll(stopAll);

describe('entente backup', () => {
  it('an online backup restores to a node that starts, verifies its audit chain and resumes', async () => {
    const a = await startTestNode('nl-lic-01', { sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, {
      aToB: agreement('agreement-wide', 'jp-lic-01'),
      bToA: agreement('agreement-wide', 'nl-lic-01'),
    });
    await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'));
    await push(a, b);
    const out = join(tempDir(), 'backup');
    const r = await cli(['backup', '--dir', b.dir, out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/integrity ok; audit chain verifies/);
    // deliveries after the backup point, then B is lost and restored from the backup
    await a.op('POST', '/admin/v1/records', publishBody('denial-catch-all'));
    await push(a, b);
    await b.stop();
    const config = loadConfig(out);
    const restored = await createNode(config, loadSecrets(config), {
      federationPort: b.node.federationPort,
      operatorPort: b.node.operatorPort,
      sync: { autoStart: false },
    });
    b.node = restored;
    expect(restored.services.audit.verify().ok).toBe(true);
    expect((await receivedAt(b, 'nl-lic-01')).length).toBe(1);
    await a.op('POST', '/admin/v1/records', publishBody('denial-nsg-withheld'));
    await push(a, b);
    expect((await receivedAt(b, 'nl-lic-01')).length).toBe(3);
    expect(a.node.services.alarms.list('jp-lic-01').map((x) => x.kind)).toContain('receiver-restored');
    // and the restored node still sends
    await b.op('POST', '/admin/v1/records', publishBody('finding-seizure'));
    await push(b, a);
    expect((await receivedAt(a, 'jp-lic-01')).length).toBe(1);
    const again = await cli(['backup', '--dir', b.dir, out]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/not empty/);
  });
});
