// docs/configuration.md, generated from schemas/node-config.schema.json (every key, its type, range,
// default and meaning) and the list of environment variables the node and the CLI read.
// `node scripts/config-reference.mjs` writes it; `--check` fails when it is stale (a test runs that).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** Every environment variable read by node/src, with what it does (a test checks none is missing). */
export const ENVIRONMENT = [
  [
    'ENTENTE_TOKEN',
    'CLI',
    'the operator token the CLI sends, instead of the one in `D/admin.token` (e.g. a publisher token for `entente publish`)',
  ],
  [
    'NODE_TLS_REJECT_UNAUTHORIZED',
    'node',
    '`0` disables certificate checks in Node.js; `entente start` and `entente config check` refuse to run with it',
  ],
  [
    'ENTENTE_CRASH_AT',
    'node',
    'tests only: a named crash point where the process kills itself (the crash-safety harness); unset in production',
  ],
  ['ENTENTE_CRASH_AFTER', 'node', 'tests only: with `ENTENTE_CRASH_AT`, crash the n-th time the point is reached'],
];

/** The meaning of keys whose schema has no description. */
const MEANING = {
  nodeId: "this node's id (partners pin it in its certificate): lowercase letters, digits and `-`",
  name: 'the agency name partners see',
  country: 'ISO 3166-1 alpha-2 country of the agency',
  url: 'the federation URL partners dial (https)',
  'federation.listen': 'federation listener `host:port`: TLS 1.3 only, client certificate required',
  'federation.minTlsVersion': 'only `TLSv1.3` is accepted (it cannot be lowered)',
  'federation.requestClientCert': 'only `true` is accepted (it cannot be turned off)',
  'operator.listen': 'operator API and console `host:port`; a non-loopback address needs `operator.allowNonLoopback`',
  'operator.allowNonLoopback': 'serve the operator API beyond this host (put a TLS reverse proxy in front)',
  'files.caCert': 'CA certificate, relative to the node directory',
  'files.caKey': 'CA private key (mode 600)',
  'files.tlsCert': 'TLS certificate',
  'files.tlsKey': 'TLS private key (mode 600)',
  'files.signingKeys': 'Ed25519 signing keys (mode 600)',
  'files.database': 'the SQLite database',
  'limits.maxBatchBytes': 'federation request body limit',
  'limits.maxReleaseBytes': 'one release payload (fixed by the protocol)',
  'limits.operatorBodyBytes': 'operator request body limit',
  'limits.burst': 'federation requests a partner may make at once before `ratePerSecond` applies (token-bucket size)',
  'limits.concurrentPerPartner': 'federation requests in flight per partner',
  'limits.connectionsPerPartner': 'open federation connections per partner',
  'limits.jsonDepth': 'deepest JSON nesting accepted',
  'sync.materialisationWindow': 'releases prepared ahead per partner (docs/protocol.md §6.5)',
  'sync.pullIntervalSeconds': 'how often a partner feed is pulled',
  'sync.statementIdleHours': 'a statement is sent to an idle partner at least this often',
  'records.reviewReminderDays': "remind this many days before a denial's `reviewDueOn`",
  consultations: 'consultation settings',
  'notifications.webhooks':
    '`[{url, secret}]`: each alert received is POSTed there, signed `X-Entente-Signature: sha256=<HMAC>` (docs/protocol.md §14.4); default none',
  'consultations.holidays': '',
};

function typeOf(s) {
  if (s.$ref?.endsWith('/Country')) return 'country code';
  if (s.$ref?.endsWith('/NodeId')) return 'node id';
  if (s.$ref?.endsWith('/Date')) return 'date';
  return s.type ?? (s.$ref ? 'text' : '');
}

function range(s) {
  const parts = [];
  if (s.const !== undefined) parts.push(`exactly ${JSON.stringify(s.const)}`);
  if (s.enum) parts.push(s.enum.map((v) => JSON.stringify(v)).join(', '));
  if (s.minimum !== undefined && s.maximum !== undefined) parts.push(`${s.minimum}–${s.maximum}`);
  else if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  else if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  return parts.join('; ');
}

/** One row per key, depth first; objects get a row of their own only when they have no properties. */
export function configRows(schema) {
  const rows = [];
  const walk = (props, required, prefix) => {
    for (const [k, s] of Object.entries(props)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (s.type === 'object' && s.properties) {
        walk(s.properties, s.required ?? [], key);
        continue;
      }
      const meaning =
        key === 'consultations.holidays'
          ? 'holidays per country, `{"NL": ["2026-04-27", …]}`, skipped when consultation due times count working days (at most 400 dates per country)'
          : (s.description ?? MEANING[key] ?? '');
      rows.push({
        key,
        type: key === 'consultations.holidays' ? 'object of date lists' : typeOf(s),
        required: required.includes(k),
        range: range(s),
        def: s.default !== undefined ? JSON.stringify(s.default) : '',
        meaning,
      });
    }
  };
  walk(schema.properties, schema.required ?? [], '');
  return rows;
}

const cell = (s) => String(s).replace(/\|/g, '\\|');

export function configReference() {
  const schema = JSON.parse(readFileSync(join(root, 'schemas/node-config.schema.json'), 'utf8'));
  const rows = configRows(schema);
  return [
    '# Configuration reference',
    '',
    '<!-- generated by `node scripts/config-reference.mjs` from schemas/node-config.schema.json; do not edit -->',
    '',
    "A node's settings are in `D/config.json` (written by `entente init`, validated by `entente start` and",
    '`entente config check`, which report every problem at once). Keys are written as paths: `limits.burst` is',
    '`{"limits": {"burst": …}}`. File paths are relative to the node directory.',
    '',
    '| key | type | required | allowed | default | meaning |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.key}\` | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${cell(r.range)} | ${cell(r.def)} | ${cell(r.meaning)} |`,
    ),
    '',
    '## Environment variables',
    '',
    '| variable | read by | meaning |',
    '|---|---|---|',
    ...ENVIRONMENT.map(([name, by, meaning]) => `| \`${name}\` | ${by} | ${cell(meaning)} |`),
    '',
    'The Docker image reads a few more in its entrypoint (`ENTENTE_DATA`, `ENTENTE_NODE_ID`, …), listed in',
    '`docker/entrypoint.sh`; the systemd unit of [deploy.md](deploy.md) reads none.',
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = join(root, 'docs/configuration.md');
  const text = configReference();
  if (process.argv.includes('--check')) {
    if (readFileSync(file, 'utf8') !== text) {
      process.stderr.write('docs/configuration.md is stale: run node scripts/config-reference.mjs\n');
      process.exit(1);
    }
  } else writeFileSync(file, text);
}
