// npm run demo: a three-node example alliance on loopback that exchanges bundles, sets agreements,
// publishes, shares, revokes and recalls, narrating as it goes. Exits 0 only when every
// expectation it narrates held. --keep leaves the nodes running.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type EntenteNode } from '../node/src/app.js';
import { loadConfig, loadSecrets } from '../node/src/config/index.js';
import { keepBoundAddresses, provisionFromExample } from '../node/src/services/node-init.js';
import { buildBundle, bundleFingerprint, groupFingerprint } from '../node/src/exchange/bundle.js';
import { createLogger } from '../node/src/log.js';
import { reportId } from '../node/src/interop/stix-mapping.js';
import { operatorApi } from './operator-api.js';

const keep = process.argv.includes('--keep');
const verbose = process.argv.includes('--verbose');
const root = join(import.meta.dirname, '..');
const examples = join(root, 'test/fixtures/design');
const work = mkdtempSync(join(tmpdir(), 'entente-demo-'));

const c = {
  bold: (s: string) => `\x1b[1m${s}\x1b[0m`,
  dim: (s: string) => `\x1b[2m${s}\x1b[0m`,
  green: (s: string) => `\x1b[32m${s}\x1b[0m`,
  red: (s: string) => `\x1b[31m${s}\x1b[0m`,
  cyan: (s: string) => `\x1b[36m${s}\x1b[0m`,
};
const plain = !process.stdout.isTTY;
const fmt = (f: (s: string) => string) => (s: string) => (plain ? s : f(s));
const bold = fmt(c.bold),
  dim = fmt(c.dim),
  green = fmt(c.green),
  red = fmt(c.red),
  cyan = fmt(c.cyan);

let step = 0;
const failures: string[] = [];
let checks = 0;
function section(title: string): void {
  step++;
  console.log(`\n${bold(`${step}. ${title}`)}`);
}
function say(text: string): void {
  console.log(`   ${text}`);
}
function expectThat(ok: boolean, what: string): void {
  checks++;
  if (ok) say(`${green('✓')} ${what}`);
  else {
    say(`${red('✗')} ${what}`);
    failures.push(`${step}. ${what}`);
  }
}

interface DemoNode {
  id: string;
  label: string;
  dir: string;
  node: EntenteNode;
  token: string;
  bundle: ReturnType<typeof buildBundle>;
  fingerprint: string;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

async function start(id: string, label: string): Promise<DemoNode> {
  const dir = join(work, id);
  // port 0: each node gets its ports from the kernel, and its bundle names the one it got
  const { adminToken } = provisionFromExample(join(root, 'certs-example', id), dir, {
    federationListen: '127.0.0.1:0',
    operatorListen: '127.0.0.1:0',
    url: 'https://127.0.0.1:0',
  });
  const secrets = loadSecrets(loadConfig(dir));
  const log = createLogger({ level: verbose ? 'info' : 'silent', name: id });
  const node = await createNode(loadConfig(dir), secrets, {
    demo: true,
    log,
    sync: { tickMs: 250, pullIntervalMs: 60_000 },
  });
  const config = keepBoundAddresses(dir, node);
  const bundle = buildBundle(config, secrets);
  const d: DemoNode = {
    id,
    label,
    dir,
    node,
    token: adminToken,
    bundle,
    fingerprint: bundleFingerprint(bundle),
    api: operatorApi(node.operatorUrl, adminToken),
  };
  return d;
}

function example(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(examples, `${name}.json`), 'utf8'));
}

function asNew(name: string): { type: 'denial' | 'finding'; record: Record<string, any> } {
  const r = example(name);
  if (r.changeType === 'RENEWAL') delete r.reviewDueOn; // version 1 gets the default review date
  for (const k of [
    'id',
    'version',
    'supersedes',
    'changeType',
    'originatorNodeId',
    'originatorCountry',
    'createdAt',
    'updatedAt',
    'statusReason',
  ])
    delete r[k];
  r.status = r.findingType ? 'OPEN' : 'ACTIVE';
  return { type: r.findingType ? 'finding' : 'denial', record: r };
}

function agreementFrom(
  name: string,
  partner: string,
  changes: (a: Record<string, any>) => void = () => {},
): Record<string, any> {
  const a = example(name);
  delete a.version;
  a.partner = partner;
  a.validFrom = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  a.validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  changes(a);
  return a;
}

async function held(n: DemoNode, id: string): Promise<any> {
  const r = await n.api('GET', `/admin/v1/records/${encodeURIComponent(id)}`);
  return r.status === 200 ? r.body : null;
}

async function settle(nodes: DemoNode[]): Promise<void> {
  // until quiet: an answer sent on ingest (an automatic UNKNOWN_REFERENCE) needs another round
  for (let round = 0; round < 3; round++)
    for (const n of nodes) for (const p of nodes) if (p !== n) await n.node.services.links.flush(p.id);
}

const running: DemoNode[] = [];

async function main(): Promise<void> {
  console.log(bold('Entente demo: an example alliance of three fictitious agencies on loopback'));
  say(dim(`working directory ${work}`));

  section('Three agencies start their nodes (keys from certs-example/, accepted only with --demo)');
  const nl = await start('nl-lic-01', 'Netherlands licensing');
  const jp = await start('jp-lic-01', 'Japan licensing');
  const de = await start('de-enf-01', 'Germany customs enforcement');
  const all = [nl, jp, de];
  running.push(...all);
  for (const n of all) {
    say(
      `${cyan(n.id)} ${n.label}: federation ${n.node.federationUrl}, operator API and web console ${n.node.operatorUrl}/`,
    );
  }

  section('Operators exchange bundles and check fingerprints over a second channel');
  for (const n of all) say(`${n.id} reads its fingerprint aloud: ${bold(groupFingerprint(n.fingerprint))}`);
  const pairs: [DemoNode, DemoNode][] = [
    [nl, jp],
    [nl, de],
    [jp, de],
  ];
  for (const [x, y] of pairs) {
    const r1 = await x.api('PUT', `/admin/v1/partners/${y.id}`, {
      bundle: y.bundle,
      fingerprint: groupFingerprint(y.fingerprint),
    });
    const r2 = await y.api('PUT', `/admin/v1/partners/${x.id}`, {
      bundle: x.bundle,
      fingerprint: groupFingerprint(x.fingerprint),
    });
    expectThat(
      r1.status === 201 && r2.status === 201,
      `${x.id} and ${y.id} registered each other's bundle (trust only: nothing is shared yet)`,
    );
  }
  const tampered = { ...jp.bundle, url: 'https://attacker.example:8443' };
  const bad = await nl.api('PUT', `/admin/v1/partners/${jp.id}`, { bundle: tampered, fingerprint: jp.fingerprint });
  expectThat(
    bad.status === 400 && bad.body.type === 'urn:entente:problem:fingerprint-mismatch',
    'a bundle altered in transit is refused: its fingerprint no longer matches',
  );

  section('Each agency sets what it sends to each partner');
  const wide = agreementFrom('agreement-wide', jp.id);
  const redacting = agreementFrom('agreement-redacting', de.id, (a) => (a.share.embargoHours = 0));
  const findingsOnly = agreementFrom('agreement-findings-only', nl.id, (a) => {
    a.reference = 'DE-NL-ENF-2025-01';
    a.share.finding.destinations.include.push('KG');
  });
  const set = async (from: DemoNode, to: DemoNode, a: Record<string, any>, what: string) => {
    const r = await from.api('PUT', `/admin/v1/partners/${to.id}/agreement`, a);
    expectThat(
      r.status === 200 && r.body.changed,
      `${from.id} → ${to.id}: ${what} (agreement ${a.reference} v${r.body.agreement?.version})`,
    );
  };
  await set(nl, jp, wide, 'wide: denials and findings up to TLP:AMBER+STRICT');
  await set(
    nl,
    de,
    redacting,
    'capped at TLP:GREEN, WA/NSG/MTCR/AG/EU regimes, control codes 1C 2B 3A 6A 9A, exporter/applicant parties, item values and point of contact redacted',
  );
  await set(de, nl, findingsOnly, 'findings only, TLP:AMBER, destinations AE BY CN HK IR KP RU TR KG, no ML codes');
  await set(
    jp,
    nl,
    agreementFrom('agreement-wide', nl.id, (a) => (a.reference = 'JP-NL-2025-01')),
    'wide',
  );
  await set(
    de,
    jp,
    agreementFrom('agreement-findings-only', jp.id, (a) => (a.reference = 'DE-JP-ENF-2025-01')),
    'findings only, listed destinations',
  );
  await set(
    jp,
    de,
    agreementFrom(
      'agreement-wide',
      de.id,
      (a) => ((a.reference = 'JP-DE-2025-01'), (a.share = { finding: { maxTlp: 'GREEN' } })),
    ),
    'GREEN findings only',
  );

  section('Officers publish the design examples; every version is signed by its originator');
  const published: Record<string, { id: string; node: DemoNode; record: any }> = {};
  const publishOn = async (n: DemoNode, name: string) => {
    const r = await n.api('POST', '/admin/v1/records', asNew(name));
    if (r.status !== 201) throw new Error(`${name}: ${JSON.stringify(r.body)}`);
    published[name] = { id: r.body.id, node: n, record: r.body.record };
    say(`${n.id} published ${name.padEnd(26)} ${dim(r.body.id)}`);
  };
  for (const name of [
    'denial-wa-sensitive',
    'denial-mtcr-amended-v2',
    'denial-suspension',
    'denial-catch-all',
    'denial-nsg-withheld',
    'denial-renewed-v2',
  ])
    await publishOn(nl, name);
  await publishOn(jp, 'denial-ag-revoked-v2');
  for (const name of ['finding-seizure', 'finding-penalty-clear', 'finding-network', 'finding-vessel-detention'])
    await publishOn(de, name);
  await settle(all);

  section('What each partner received, and what it did not, and why');
  const expectations: [DemoNode, DemoNode, string, boolean][] = [
    [nl, jp, 'denial-wa-sensitive', true],
    [nl, de, 'denial-wa-sensitive', false],
    [nl, de, 'denial-suspension', true],
    [nl, de, 'denial-catch-all', false],
    [nl, de, 'denial-nsg-withheld', false],
    [de, nl, 'finding-seizure', true],
    [de, nl, 'finding-network', false],
    [de, nl, 'finding-vessel-detention', true],
    [de, jp, 'finding-seizure', true],
    [de, jp, 'finding-penalty-clear', false],
  ];
  for (const [from, to, name, should] of expectations) {
    const got = await held(to, published[name]!.id);
    const why = (
      await from.api('GET', `/admin/v1/partners/${to.id}/explain?record=${encodeURIComponent(published[name]!.id)}`)
    ).body;
    const reason = why.reasons.at(-1);
    expectThat(
      !!got === should,
      `${to.id} ${should ? 'received' : 'did not receive'} ${name} from ${from.id}: ${reason}`,
    );
  }
  const atDe = await held(de, published['denial-suspension']!.id);
  if (atDe) {
    expectThat(
      JSON.stringify(atDe.current.redacted) === JSON.stringify(['/items/0/value', '/parties/2', '/pointOfContact']),
      `de-enf-01's copy of denial-suspension lists redacted ${JSON.stringify(atDe.current.redacted)}`,
    );
    expectThat(
      !JSON.stringify(atDe.current.record).includes('Veluwe Photonics B.V.') ||
        atDe.current.record.parties.every((p: any) => p.role !== 'EXPORTER'),
      "the exporter party and the item value are absent from de-enf-01's copy",
    );
  }
  const atJp = await held(jp, published['denial-suspension']!.id);
  expectThat(
    !!atJp && atJp.current.record.parties.some((p: any) => p.role === 'EXPORTER'),
    'jp-lic-01 (wide agreement) received the same denial with its exporter',
  );

  section('nl-lic-01 revokes a denial: the revocation reaches every partner that held it');
  const wa = published['denial-wa-sensitive']!;
  await nl.api('POST', `/admin/v1/records/${encodeURIComponent(wa.id)}/status`, {
    status: 'REVOKED',
    reason: 'Review: the end-user is no longer assessed as a diversion risk.',
  });
  await settle(all);
  const revoked = await held(jp, wa.id);
  expectThat(
    revoked?.current.record.status === 'REVOKED' && revoked.current.version === 2,
    `jp-lic-01 now holds ${wa.id.slice(-12)} as version 2, REVOKED`,
  );
  expectThat(
    !(await held(de, wa.id)),
    'de-enf-01 never held it, so nothing is sent there (a terminal version goes only to holders)',
  );

  section('nl-lic-01 narrows its agreement with de-enf-01, then amends a denial de-enf-01 holds');
  const narrowed = agreementFrom('agreement-redacting', de.id, (a) => {
    a.share.embargoHours = 0;
    a.share.denial.destinations = { exclude: ['DE', 'KG'] };
  });
  await set(nl, de, narrowed, 'destinations KG and DE now excluded');
  const susp = published['denial-suspension']!;
  const cur = (await nl.api('GET', `/admin/v1/records/${encodeURIComponent(susp.id)}`)).body.current.record;
  await nl.api('PUT', `/admin/v1/records/${encodeURIComponent(susp.id)}`, {
    record: { ...cur, statedEndUse: 'Perimeter surveillance (re-export reports pending)' },
  });
  await settle(all);
  const recalled = await held(de, susp.id);
  expectThat(
    recalled?.recalled === true && recalled.current.version === 1,
    `de-enf-01 received a recall tombstone: it keeps version 1 labelled ${JSON.stringify(recalled?.labels)}, and stops relying on it`,
  );
  const jpCopy = await held(jp, susp.id);
  expectThat(jpCopy?.current.version === 2, 'jp-lic-01 (still eligible) received version 2');

  section("jp-lic-01 screens a licence application against its partners' denials, then consults the denier");
  // the revoked denial is history now; nl publishes a fresh denial to consult about
  const freshBody = asNew('denial-nsg-withheld');
  freshBody.record.originatorReference = 'NL-NP-26-0001';
  const fresh = await nl.api('POST', '/admin/v1/records', freshBody);
  await settle(all);
  const heldByJp = await held(jp, fresh.body.id);
  expectThat(
    !!heldByJp,
    `jp-lic-01 holds nl-lic-01's denial ${fresh.body.record.originatorReference} (consignee ${heldByJp?.current.record.parties[0].party.names[0].value})`,
  );
  const request = example('consultation-request');
  const application = {
    ...request.proposedTransaction,
    destinationCountry: 'MY',
    parties: [
      {
        role: 'CONSIGNEE',
        party: {
          kind: 'COMPANY',
          names: [{ value: 'Lumen Industrial Sdn Bhd', type: 'PRIMARY' }],
          addresses: [{ city: 'Shah Alam', country: 'MY' }],
        },
      },
    ],
    items: [
      {
        lineNo: 1,
        controlRefs: [{ scheme: 'EU_ANNEX_I', code: '3A225' }],
        description: 'Frequency changers',
        technicalParameters: 'Output 600-1800 Hz',
      },
    ],
  };
  const screened = await jp.api('POST', '/admin/v1/screen', { application });
  const candidates = (screened.body.candidates ?? []) as { denial: { id: string } }[];
  const rank = candidates.findIndex((c) => c.denial.id === fresh.body.id);
  const cand = screened.body.candidates?.[rank];
  expectThat(
    rank >= 0 && cand?.essentiallyIdentical,
    `screening the application finds, among ${candidates.length} candidates, nl-lic-01's denial ${cand?.denial.originatorReference}: ${cand?.party?.applicationName} ~ ${cand?.party?.matchedName} (${cand?.party?.score}), ${cand?.control}, ${cand?.destination}`,
  );
  const opened = await jp.api('POST', '/admin/v1/consultations', {
    partner: nl.id,
    referencedDenials: [{ id: fresh.body.id, version: 1 }],
    proposedTransaction: { ...request.proposedTransaction, destinationCountry: 'MY' },
    question: 'Same consignee, same frequency changers, lower output. Do you consider this essentially identical?',
  });
  expectThat(
    opened.status === 201,
    `jp-lic-01 opened a consultation, due ${opened.body.dueAt} (nl-lic-01's ${10} working days, on its calendar)`,
  );
  await settle(all);
  const atNl = (await nl.api('GET', '/admin/v1/consultations')).body.items.find((c: any) => c.id === opened.body.id);
  expectThat(atNl?.state === 'OPEN', 'nl-lic-01 received the REQUEST');
  const ext = await nl.api('POST', `/admin/v1/consultations/${encodeURIComponent(opened.body.id)}/messages`, {
    type: 'EXTENSION',
    days: 3,
    reason: 'The nuclear desk reviews it next week.',
  });
  expectThat(ext.status === 201, `nl-lic-01 extended the due time to ${ext.body.dueAt}`);
  await nl.api('POST', `/admin/v1/consultations/${encodeURIComponent(opened.body.id)}/messages`, {
    type: 'RESPONSE',
    position: 'MAINTAINS_DENIAL',
    rationale: 'Same consignee; the frequency range still meets the NSG entry.',
  });
  await settle(all);
  const answered = (await jp.api('GET', '/admin/v1/consultations')).body.items.find(
    (c: any) => c.id === opened.body.id,
  );
  expectThat(
    answered?.position === 'MAINTAINS_DENIAL' && answered.onTime === true,
    'jp-lic-01 received the RESPONSE, on time: nl-lic-01 maintains its denial',
  );
  await jp.api('POST', `/admin/v1/consultations/${encodeURIComponent(opened.body.id)}/messages`, {
    type: 'OUTCOME',
    decision: 'DENIED',
    decidedOn: new Date().toISOString().slice(0, 10),
  });
  await settle(all);
  const decided = (await nl.api('GET', '/admin/v1/consultations')).body.items.find((c: any) => c.id === opened.body.id);
  expectThat(decided?.outcome === 'DENIED', 'nl-lic-01 learned the OUTCOME: jp-lic-01 denied the licence too');
  const bogus = await jp.api('POST', '/admin/v1/consultations', {
    partner: nl.id,
    referencedDenials: [{ id: 'urn:entente:nl-lic-01:denial:00000000-0000-4000-8000-000000000000', version: 1 }],
    proposedTransaction: request.proposedTransaction,
    question: 'Do you hold this?',
  });
  await settle(all);
  const unknown = (await jp.api('GET', '/admin/v1/consultations')).body.items.find((c: any) => c.id === bogus.body.id);
  expectThat(
    unknown?.position === 'UNKNOWN_REFERENCE',
    'a consultation about a denial jp-lic-01 was never given gets UNKNOWN_REFERENCE, the same answer as for one that does not exist',
  );

  section("An analyst's platform reads jp-lic-01 over TAXII 2.1: STIX 2.1 objects, TLP 2.0 markings");
  const feed = await jp.api('POST', '/admin/v1/tokens', { name: 'opencti', role: 'consumer' });
  const exposed = { collections: ['own', `from-${nl.id}`], maxTlp: 'AMBER+STRICT' };
  await jp.api('PUT', '/admin/v1/tokens/opencti/exports', exposed);
  const basic = {
    authorization: `Basic ${Buffer.from(`opencti:${feed.body.token}`).toString('base64')}`,
    accept: 'application/taxii+json;version=2.1',
  };
  const taxii = async (path: string) => {
    const r = await fetch(jp.node.operatorUrl + path, { headers: basic });
    return { status: r.status, type: r.headers.get('content-type'), body: await r.json() };
  };
  const cols = await taxii('/taxii2/api/collections/');
  const titles = (cols.body.collections ?? []).map((c: any) => c.alias).join(', ');
  expectThat(
    cols.status === 200 && cols.type === 'application/taxii+json;version=2.1' && cols.body.collections.length === 2,
    `the consumer token "opencti" sees the collections an admin exposed to it: ${titles}`,
  );
  const fromNl = cols.body.collections.find((c: any) => c.alias === `from-${nl.id}`);
  const base = `/taxii2/api/collections/${fromNl?.id}/objects/`;
  const report = (await taxii(`${base}?match[id]=${reportId(susp.id)}`)).body.objects?.[0];
  const refs = report ? `${base}?limit=1000&match[id]=${report.object_refs.join(',')}` : null;
  const grouped: any[] = refs ? ((await taxii(refs)).body.objects ?? []) : [];
  const bundle = { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [...grouped, report] };
  const denialObj = grouped.find((o: any) => o.type === 'entente-denial');
  const exporter = grouped.find((o: any) => o.type === 'identity' && o.roles?.includes('exporter'));
  const parties = grouped.filter((o: any) => o.type === 'identity').length;
  expectThat(
    denialObj?.record_id === susp.id && denialObj.record_version === 2 && !!exporter,
    `denial-suspension as jp-lic-01 holds it: version 2 as a later STIX version (modified ${denialObj?.modified}), ` +
      `its ${parties} parties as identities, a report grouping ${report?.object_refs.length} objects`,
  );
  const pick = (o: any, keys: string[]) =>
    Object.fromEntries(keys.filter((k) => o?.[k] !== undefined).map((k) => [k, o[k]]));
  const excerpt = {
    type: bundle.type,
    id: bundle.id,
    objects: [
      pick(denialObj, [
        'type',
        'spec_version',
        'id',
        'created_by_ref',
        'created',
        'modified',
        'name',
        'object_marking_refs',
        'extensions',
        'record_id',
        'record_version',
        'status',
        'decision_type',
        'destination_country',
        'party_refs',
      ]),
      pick(exporter, ['type', 'id', 'name', 'identity_class', 'roles', 'description', 'external_references']),
      pick(report, ['type', 'id', 'name', 'report_types', 'published', 'labels']),
      `… ${bundle.objects.length - 3} more (identities, locations, relationships)`,
    ],
  };
  say('one STIX 2.1 bundle, excerpt:');
  for (const line of JSON.stringify(excerpt, null, 2).split('\n')) say(dim(`  ${line}`));

  section('de-enf-01 raises a FLASH alert on a diversion; nl-lic-01 acknowledges it (protocol 1.1)');
  const diversion = asNew('finding-seizure');
  diversion.record.originatorReference = 'DE-ZOLL-HH-2025-7790';
  diversion.record.alert = {
    level: 'FLASH',
    actionRequested: 'Detain the onward consignment of GaN MMIC amplifiers on arrival and inform the originator.',
  };
  const flash = await de.api('POST', '/admin/v1/records', diversion);
  if (flash.status !== 201) throw new Error(`FLASH alert: ${JSON.stringify(flash.body)}`);
  say(`de-enf-01 published a FLASH alert ${dim(flash.body.id)}`);
  await settle(all);
  const alertsAtNl = (await nl.api('GET', '/admin/v1/alerts')).body;
  const open = alertsAtNl.received.find((x: any) => x.id === flash.body.id);
  const nlAlarms = (await nl.api('GET', `/admin/v1/alarms?partner=${de.id}`)).body.items as { kind: string }[];
  expectThat(
    !!open?.open && open.level === 'FLASH' && nlAlarms.some((a) => a.kind === 'alert'),
    'nl-lic-01 shows the alert as open, with an alert alarm',
  );
  expectThat(open?.receivedAck === 'sent', 'nl-lic-01 sent RECEIVED to de-enf-01 when it committed the version');
  const acked = await nl.api('POST', '/admin/v1/alerts/ack', {
    id: flash.body.id,
    state: 'ACTIONED',
    note: 'Consignment detained at Rotterdam; details by consultation.',
    desk: 'customs liaison desk',
  });
  expectThat(acked.status === 200, 'an analyst at nl-lic-01 acknowledges it: ACTIONED');
  await settle(all);
  const table = (await de.api('GET', '/admin/v1/alerts')).body.sent.find((x: any) => x.id === flash.body.id);
  for (const p of table?.partners ?? []) {
    say(
      `${p.partner}: ${p.status}${p.releasedAt ? `, released ${p.releasedAt}` : ''}${p.receiptAt ? `, receipt ${p.receiptAt}` : ''}${p.receivedAt ? `, RECEIVED ${p.receivedAt}` : ''}${p.finalState ? `, ${p.finalState} ${p.finalAt}` : ''}`,
    );
  }
  const nlRow = table?.partners.find((p: any) => p.partner === nl.id);
  expectThat(
    nlRow?.receivedAt !== null && nlRow?.finalState === 'ACTIONED',
    "de-enf-01's table shows nl-lic-01 released, receipt, RECEIVED and ACTIONED",
  );

  section('Sync health and the audit trail');
  for (const n of all) {
    const partners = (await n.api('GET', '/admin/v1/partners')).body.items;
    for (const p of partners) {
      const o = p.sync.outbound;
      say(
        `${n.id} → ${p.nodeId}: stream ${o.stream.slice(0, 8)}…, head ${o.head}, acknowledged ${o.lastReceiptUpTo}, queued ${o.queued}${o.blocked ? red(` BLOCKED ${o.blocked}`) : ''}`,
      );
      expectThat(o.queued === 0 && !o.blocked, `${n.id} → ${p.nodeId}: every release acknowledged`);
    }
    const v = n.node.services.audit.verify();
    expectThat(v.ok, `${n.id}'s audit chain verifies (${v.entries} entries)`);
  }

  section('The web console of each node');
  for (const n of all) {
    const page = await fetch(`${n.node.operatorUrl}/sign-in`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expectThat(
      page.status === 200 && csp.includes("default-src 'self'"),
      `${n.id}'s console answers at ${n.node.operatorUrl}/ with its CSP`,
    );
  }

  console.log();
  if (failures.length === 0) console.log(green(bold(`All ${checks} expectations held.`)));
  else console.log(red(bold(`${failures.length} of ${checks} expectations failed:\n  ${failures.join('\n  ')}`)));
  if (keep) {
    console.log(bold('\nThe nodes keep running (Ctrl-C to stop). Open a console and sign in with its admin token:'));
    for (const n of all) {
      console.log(`  ${n.id}: console ${n.node.operatorUrl}/  token in ${join(n.dir, 'admin.token')}: ${n.token}`);
    }
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main()
  .catch((e: unknown) => {
    console.error(red(`demo failed: ${(e as Error).stack ?? String(e)}`));
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(running.map((n) => n.node.close().catch(() => undefined)));
    if (!keep) rmSync(work, { recursive: true, force: true });
  });
