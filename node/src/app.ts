// Composition root: createNode() wires every module and returns something that closes servers,
// timers and the database. No process.exit here.
import { dirname, join } from 'node:path';
import type { Router } from 'express';
import { ConfigError, type NodeConfig, type Secrets } from './config/index.js';
import { FileSigner, type Signer } from './crypto/jws.js';
import { publicJwk } from './crypto/keys.js';
import { createFederationApp } from './http/federation-app.js';
import { createOperatorApp } from './http/operator-app.js';
import { partnerRoutes } from './http/operator/partners.js';
import { tokenRoutes } from './http/operator/tokens.js';
import { recordRoutes } from './http/operator/records.js';
import { exchangeRoutes } from './http/operator/exchange.js';
import { auditRoutes } from './http/operator/audit.js';
import { reciprocityRoutes } from './http/operator/reciprocity.js';
import { keyRoutes } from './http/operator/keys.js';
import { consultationRoutes } from './http/operator/consultations.js';
import { screeningRoutes } from './http/operator/screening.js';
import { SignaturePool } from './crypto/signature-pool.js';
import { ReferenceListImports } from './screening/imports.js';
import { referenceListRoutes, referenceListUploadRoutes } from './http/operator/reference-lists.js';
import { ScreeningService } from './screening/service.js';
import { ConsultationService } from './services/consultations.js';
import { KeyService } from './services/keys.js';
import { ReciprocityService } from './services/reciprocity.js';
import { federationRoutes } from './http/federation-routes.js';
import { AgreementService } from './services/agreements.js';
import { AlarmService } from './services/alarms.js';
import { ExchangeAdmin } from './services/exchange-admin.js';
import { IngestService } from './services/ingest.js';
import { ReceiptService } from './services/receipts.js';
import { StreamService } from './services/streams.js';
import { SyncManager, type SyncOptions } from './sync/manager.js';
import { Metrics } from './services/metrics.js';
import { requireRole } from './http/middleware.js';
import { RecordService } from './services/records.js';
import { createFederationServer, createOperatorServer } from './http/servers.js';
import { silentLogger, type Logger } from './log.js';
import { AuditService } from './services/audit.js';
import { systemClock, type Clock } from './services/clock.js';
import { parseSigningKeys } from './services/identity.js';
import { PartnerAdmin } from './services/partner-admin.js';
import { PartnerService } from './services/partners.js';
import { TokenService } from './services/tokens.js';
import { Store } from './store/index.js';

export interface CreateNodeOptions {
  clock?: Clock;
  log?: Logger;
  /** Allow the committed example keys (brief: refused outside demo mode). */
  demo?: boolean;
  /** Override listen ports (tests use 0). */
  federationPort?: number;
  operatorPort?: number;
  /** Sync tuning (tests drive sync by hand with autoStart: false). */
  sync?: Partial<SyncOptions>;
  /** Minutes between signed audit checkpoints (default 60). */
  checkpointMinutes?: number;
}

export interface EntenteNode {
  config: NodeConfig;
  store: Store;
  federationPort: number;
  operatorPort: number;
  federationUrl: string;
  operatorUrl: string;
  /** Why the node refuses writes (database or audit chain broken at start), or null. */
  degraded: string | null;
  services: {
    audit: AuditService;
    tokens: TokenService;
    partners: PartnerService;
    partnerAdmin: PartnerAdmin;
    records: RecordService;
    signer: Signer;
    agreements: AgreementService;
    streams: StreamService;
    ingest: IngestService;
    receipts: ReceiptService;
    exchange: ExchangeAdmin;
    alarms: AlarmService;
    sync: SyncManager;
    metrics: Metrics;
    keys: KeyService;
    consultations: ConsultationService;
    screening: ScreeningService;
  };
  close(): Promise<void>;
}

export async function createNode(config: NodeConfig, secrets: Secrets, options: CreateNodeOptions = {}): Promise<EntenteNode> {
  if (config.example && !options.demo) {
    throw new ConfigError('config.json /example', 'this node uses the committed example keys; start it with --demo, or run `entente init` for real keys');
  }
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger();
  const store = Store.open(config.files.database);
  let closed = false;
  try {
    const integrity = store.integrity();
    const keyFile = parseSigningKeys(secrets.signingKeysJson);
    const signingKey = keyFile.keys.find((k) => k.kid === keyFile.current)!;
    let signer: Signer = new FileSigner(signingKey);
    let signerKey = publicJwk(signingKey);
    let publicKeys = keyFile.keys.map(publicJwk);
    let tlsIdentity = { keyPem: secrets.tlsKeyPem, certPem: secrets.tlsCertPem };
    const audit = new AuditService(store, clock);
    // Integrity at start: a broken database or audit chain keeps the node read-only (brief §9).
    const tail = integrity === 'ok' ? audit.verifyTail() : null;
    const degraded: string | null =
      integrity !== 'ok' ? `database integrity check failed: ${integrity}` : !tail!.ok ? `the audit chain is broken at entry ${tail!.firstBroken}: ${tail!.reason}` : null;
    if (degraded) log.error({ alert: true, reason: degraded }, 'node started read-only');
    const writable = () => degraded;
    const tokens = new TokenService(store, audit, clock);
    const partners = new PartnerService(store, audit, clock, config.nodeId);
    const agreements = new AgreementService(store, config.nodeId);
    const alarms = new AlarmService(store, audit, clock, log);
    const streams = new StreamService(store, audit, clock, () => signer, agreements, alarms, {
      nodeId: config.nodeId,
      country: config.country,
      window: config.sync.materialisationWindow,
      maxReleaseBytes: config.limits.maxReleaseBytes,
      maxBatchBytes: config.limits.maxBatchBytes,
      statementIdleHours: config.sync.statementIdleHours,
    });
    const countryOf = (nodeId: string) => (nodeId === config.nodeId ? config.country : partners.countryOf(nodeId));
    const ingest = new IngestService(store, audit, clock, () => signer, partners, alarms, { nodeId: config.nodeId, maxReleaseBytes: config.limits.maxReleaseBytes, countryOf });
    const receipts = new ReceiptService(store, audit, clock, partners, alarms, config.nodeId);
    const exchange = new ExchangeAdmin(store, audit, clock, agreements, streams, alarms);
    const consultations = new ConsultationService(store, audit, clock, streams, agreements, { nodeId: config.nodeId, country: config.country, holidays: config.consultations.holidays });
    ingest.consultations = consultations;
    const signatures = new SignaturePool();
    ingest.signatures = signatures;
    const screening = new ScreeningService(store, audit, clock, config.nodeId);
    const imports = new ReferenceListImports(store, audit, clock, join(dirname(config.files.database), 'imports'));
    if (!degraded) {
      const left = imports.recover();
      if (left > 0) log.info({ names: left }, 'screening index: names of unfinished or superseded list imports removed');
      const renormalised = screening.reindexIfStale((line) => log.info(line.trim()));
      if (renormalised > 0) log.info({ names: renormalised }, 'screening index: names normalised again after a change of the name normalisation');
    }
    const partnerAdmin = new PartnerAdmin(partners, exchange);
    const records = new RecordService(store, audit, clock, { nodeId: config.nodeId, country: config.country, reviewReminderDays: config.records.reviewReminderDays, signing: () => ({ signer, key: signerKey }) });
    let touched: string[] = [];
    records.addHooks({ inTx: (v) => (touched = streams.onPublished(v)), afterCommit: () => streams.afterPublished(touched) });
    const sync = new SyncManager(store, partners, agreements, streams, ingest, receipts, alarms, clock, { certPem: tlsIdentity.certPem, keyPem: tlsIdentity.keyPem }, log, {
      maxBatchBytes: config.limits.maxBatchBytes,
      pullIntervalMs: config.sync.pullIntervalSeconds * 1000,
      tickMs: 5000,
      breakerThreshold: config.sync.breakerThreshold,
      breakerCooldownMs: config.sync.breakerCooldownSeconds * 1000,
      ...options.sync,
    });
    exchange.sync = sync;
    const metrics = new Metrics(store, audit, clock);
    screening.onLatency = (sec) => metrics.screening.observe(sec);
    ingest.observer = { counts: (p, outcome, n) => n > 0 && metrics.ingest.inc({ partner: p, outcome }, n), skew: (p, sec) => metrics.observeSkew(p, sec) };
    sync.observer = { pushError: (p, kind) => metrics.pushErrors.inc({ partner: p, kind }), pullError: (p) => metrics.pullErrors.inc({ partner: p }) };

    const nodeInfo = () => ({
      nodeId: config.nodeId,
      name: config.name,
      country: config.country,
      protocol: 'entente/1',
      keys: { keys: publicKeys },
      maxBatchBytes: config.limits.maxBatchBytes,
      maxReleaseBytes: config.limits.maxReleaseBytes,
    });
    const fedApp = createFederationApp({
      partners,
      info: { nodeInfo },
      log,
      routes: federationRoutes({ streams, ingest, receipts, audit, store, maxBatchBytes: config.limits.maxBatchBytes, clockNow: () => clock.now(), jsonDepth: config.limits.jsonDepth }),
      writable,
      limits: { ratePerSecond: config.limits.ratePerSecond, burst: config.limits.burst, concurrent: config.limits.concurrentPerPartner, now: () => Date.now() },
      countRequest: (status) => metrics.requests.inc({ listener: 'federation', status: String(status) }),
    });
    const federation = createFederationServer(fedApp, { identity: () => tlsIdentity, cas: () => partners.trustedCas(), log, connectionsPerPartner: config.limits.connectionsPerPartner });
    const keys = new KeyService(store, audit, clock, streams, config, secrets, {
      signerChanged: (next, all) => {
        signer = next;
        signerKey = all.find((k) => k.kid === next.kid)!;
        publicKeys = all;
        log.info({ kid: next.kid }, 'signing with the rotated key');
      },
      tlsChanged: (identity) => {
        tlsIdentity = identity;
        federation.reloadIdentity();
        sync.setIdentity(identity);
        log.info('serving and connecting with the rotated TLS key');
      },
    });
    publicKeys = keys.publicKeys();
    receipts.onAccepted = () => keys.check();
    partners.onChange((nodeId) => federation.trustChanged(nodeId));

    const listeners: Record<string, string> = { federation: 'starting', operator: 'starting' };
    const routers: Router[] = [
      tokenRoutes(tokens),
      partnerRoutes(partnerAdmin),
      exchangeRoutes(exchange),
      recordRoutes(records),
      auditRoutes(audit, config.nodeId, () => publicKeys),
      keyRoutes(keys),
      reciprocityRoutes(new ReciprocityService(store)),
      consultationRoutes(consultations),
      screeningRoutes(screening, audit),
      referenceListRoutes(imports, () => store.referenceLists.all()),
    ];
    const opApp = createOperatorApp({
      tokens,
      log,
      bodyLimitBytes: config.limits.operatorBodyBytes,
      jsonDepth: config.limits.jsonDepth,
      routers,
      uploads: [referenceListUploadRoutes(imports)],
      writable,
      countRequest: (status) => metrics.requests.inc({ listener: 'operator', status: String(status) }),
      extra: (app) => {
        app.get('/metrics', requireRole('admin'), async (_req, res) => {
          res.type('text/plain; version=0.0.4').send(await metrics.text());
        });
      },
      health: {
        health: () => {
          // the integrity check of the start: quick_check reads every page (seconds with a large screening
          // index), and /healthz must answer at once, also during a list import (docs/screening.md)
          const database = closed ? 'closed' : integrity;
          const auditState = degraded ?? 'ok';
          return {
            ok: database === 'ok' && !degraded && Object.values(listeners).every((s) => s === 'listening'),
            database,
            audit: auditState,
            listeners: { ...listeners },
            skewSeconds: metrics.skews(),
            ...(degraded ? { reason: degraded } : {}),
          };
        },
      },
    });
    const operator = createOperatorServer(opApp);
    if (integrity !== 'ok') log.error({ integrity }, 'database integrity check failed');

    const federationPort = await federation.listen(config.federation.host, options.federationPort ?? config.federation.port);
    listeners.federation = 'listening';
    const operatorPort = await operator.listen(config.operator.host, options.operatorPort ?? config.operator.port);
    listeners.operator = 'listening';
    if (options.sync?.autoStart !== false) sync.start();
    const checkpointTimer = setInterval(() => {
      if (!degraded) audit.checkpoint(signer);
    }, (options.checkpointMinutes ?? 60) * 60_000);
    checkpointTimer.unref();
    const lapseTimer = setInterval(() => {
      if (degraded) return;
      consultations.lapse();
      screening.indexPending();
    }, 60_000);
    lapseTimer.unref();
    if (!degraded) audit.checkpoint(signer);
    const hostFor = (h: string) => (h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h);
    log.info({ nodeId: config.nodeId, federationPort, operatorPort }, 'node started');

    return {
      config,
      store,
      degraded,
      federationPort,
      operatorPort,
      federationUrl: `https://${hostFor(config.federation.host)}:${federationPort}`,
      operatorUrl: `http://${hostFor(config.operator.host)}:${operatorPort}`,
      services: { audit, tokens, partners, partnerAdmin, records, get signer() { return signer; }, agreements, streams, ingest, receipts, exchange, alarms, sync, metrics, keys, consultations, screening },
      async close() {
        if (closed) return;
        closed = true;
        clearInterval(checkpointTimer);
        clearInterval(lapseTimer);
        await imports.close();
        await sync.close();
        await Promise.all([federation.close(), operator.close()]);
        await signatures.close();
        store.close();
        log.info({ nodeId: config.nodeId }, 'node stopped');
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
