// The sync charts' "how far had the stream got by the end of day D": a search over the stream by seq
// (time grows with seq). Walking forward from the previous day's answer, and the two ends checked
// first, must give what a scan over every release gives, on days with none, some and all releases.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../node/src/store/index.js';
import { tempDir } from '../helpers/nodes.js';

let store: Store | undefined;
afterEach(() => store?.close());

describe('seqBefore (sync charts)', () => {
  it('matches a scan for every day boundary, with or without the previous answer to start from', () => {
    store = Store.open(join(tempDir(), 'n.db'));
    const s = store;
    const DAY = 86_400;
    const t0 = Date.parse('2026-11-01T00:00:00Z') / 1000;
    // 600 releases: bursts on some days, nothing for several days, many within one day
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const iats: number[] = [];
    let t = t0 + 3600;
    for (let i = 0; i < 600; i++) {
      t += rnd(10) === 0 ? rnd(5) * DAY : rnd(600);
      iats.push(t);
    }
    const put = s.db.prepare(
      `INSERT INTO releases (stream, seq, partner, kind, iat, hash, jws, created_at)
       VALUES ('st', ?, 'jp-lic-01', 'record', ?, 'h', 'j', '')`,
    );
    s.tx(() => iats.forEach((iat, i) => put.run(i + 1, iat)));
    const head = iats.length;
    const scan = (limit: number) => iats.filter((x) => x < limit).length;
    let prev = 0;
    const days = Math.ceil((iats.at(-1)! - t0) / DAY) + 1;
    for (let d = 0; d <= days; d++) {
      const end = t0 + d * DAY;
      const iso = new Date(end * 1000).toISOString();
      const expected = scan(end);
      expect(s.console.seqBefore('releases', 'jp-lic-01', 'st', head, iso), iso).toBe(expected);
      const walked = s.console.seqBefore('releases', 'jp-lic-01', 'st', head, iso, prev);
      expect(walked, `${iso} from ${prev}`).toBe(expected);
      prev = walked;
    }
    expect(prev).toBe(head);
  });
});
