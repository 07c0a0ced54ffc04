// Composition root: createNode() builds every module by constructor injection and wires their events
// here, in one place; it returns something that closes servers, timers and the database.
// No process.exit here.
// Composition root: createNode() wires every module and returns something that closes servers,
// timers and the database. No process.exit here.
import { dirname, join } from 'node:path';
import type { Router } from 'express';
import { ConfigError, type NodeConfig, type Secrets } from './config/index.js';
import { consoleRouter } from './console/app.js';
import { AuditService } from './core/audit.js';
import { systemClock, type Clock } from './core/clock.js';
import { NodeIdentity } from './core/identity.js';
import type { Signer } from './crypto/jws.js';
import { exportRoutes } from './http/operator/exports.js';
import { ExportAccessService } from './interop/access.js';
import { csvResponses } from './interop/csv-responses.js';
import type { InteropDeps } from './interop/deps.js';
import { TaxiiService } from './interop/taxii.js';
import { taxiiRoutes } from './interop/taxii-routes.js';
import { SignaturePool } from './crypto/signature-pool.js';
import { ExchangeAdmin } from './exchange/admin.js';
import { AgreementService } from './exchange/agreements.js';
import { AlarmService } from './exchange/alarms.js';
import { Alerts } from './exchange/alerts.js';
import { ProtocolVersions } from './exchange/versions.js';
import { Inbound } from './exchange/inbound/inbound.js';
import { Links, type LinkOptions } from './exchange/links/links.js';
import { Outbound } from './exchange/outbound/outbound.js';
import { PartnerAdmin } from './exchange/partner-admin.js';
import { PartnerService } from './exchange/partners.js';
import { bundleFingerprint, readAloudFingerprint } from './exchange/bundle.js';
import { createFederationApp } from './http/federation/app.js';
import { federationRoutes } from './http/federation/routes.js';
import { requireRole, type ObservedResponse } from './http/middleware.js';
import { createOperatorApp } from './http/operator/app.js';
import { auditRoutes } from './http/operator/audit.js';
import { consultationRoutes } from './http/operator/consultations.js';
import { alertRoutes } from './http/operator/alerts.js';
import { apiDocsRoutes } from './http/operator/docs.js';
import { exchangeRoutes } from './http/operator/exchange.js';
import { exerciseRoutes } from './http/operator/exercise.js';
import { keyRoutes } from './http/operator/keys.js';
import { nodeRoutes, type NodeView } from './http/operator/node.js';
import { partnerRoutes } from './http/operator/partners.js';
import { reciprocityRoutes } from './http/operator/reciprocity.js';
import { recordRoutes } from './http/operator/records.js';
import { screeningRoutes } from './http/operator/screening.js';
import { tokenRoutes } from './http/operator/tokens.js';
import { ReferenceListImports } from './screening/imports.js';
import { referenceListRoutes, referenceListUploadRoutes } from './http/operator/reference-lists.js';
import { ScreeningService } from './screening/service.js';
import { createFederationServer, createOperatorServer } from './http/servers.js';
import { silentLogger, type Logger } from './log.js';
import { ConsoleSessions } from './services/console-sessions.js';
import { ConsoleViews } from './services/console-views.js';
import { ConsultationService } from './services/consultations.js';
import { ExerciseService } from './services/exercise.js';
import { KeyService } from './services/keys.js';
import { Metrics } from './services/metrics.js';
import { ReciprocityService } from './services/reciprocity.js';
import { ReceivedRecordStore } from './services/received-records.js';
import { RecordService } from './services/records.js';
import { TokenService } from './services/tokens.js';
import { WebhookNotifier } from './services/webhooks.js';
import { Store } from './store/index.js';
import { checkNodeMode } from './services/node-init.js';
import type { Role } from './schema/types.js';

export interface CreateNodeOptions {
  clock?: Clock;
  log?: Logger;
  /** Allow the committed example keys (refused outside demo mode). */
  demo?: boolean;
  /** Override listen ports (tests use 0). */
  federationPort?: number;
  operatorPort?: number;
  /** Link tuning (tests drive sync by hand with autoStart: false). */
  sync?: Partial<LinkOptions>;
  /** Minutes between signed audit checkpoints (default 60). */
  checkpointMinutes?: number;
  /** Sees every response both listeners send (the contract tests validate them against the OpenAPI document). */
  observeResponses?: (r: ObservedResponse) => void;
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
    identity: NodeIdentity;
    signer: Signer;
    tokens: TokenService;
    partners: PartnerService;
    partnerAdmin: PartnerAdmin;
    records: RecordService;
    agreements: AgreementService;
    outbound: Outbound;
    inbound: Inbound;
    links: Links;
    exchange: ExchangeAdmin;
    alarms: AlarmService;
    metrics: Metrics;
    keys: KeyService;
    consultations: ConsultationService;
    screening: ScreeningService;
    versions: ProtocolVersions;
    alerts: Alerts;
    webhooks: WebhookNotifier;
  };
  close(): Promise<void>;
}

/** A listener's bind failure as one line naming the setting (EADDRINUSE and its kin, not a stack). */
function listenError(name: 'federation' | 'operator', host: string, port: number, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EADDRINUSE: 'is already in use by another process',
    EACCES: 'needs privileges this process does not have (ports below 1024)',
    EADDRNOTAVAIL: 'is not an address of this host',
    ENOTFOUND: 'does not resolve',
  };
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code && why[code]) return new ConfigError(`config.json /${name}/listen`, `${address} ${why[code]}`);
  return new ConfigError(`config.json /${name}/listen`, `cannot listen on ${address}: ${(e as Error).message}`);
}

const hostFor = (h: string) => (h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h);

export async function createNode(
  config: NodeConfig,
  secrets: Secrets,
  options: CreateNodeOptions = {},
): Promise<EntenteNode> {
  if (config.example && !options.demo) {
    const why = 'this node uses the committed example keys; start it with --demo, or run `entente init` for real keys';
    throw new ConfigError('config.json /example', why);
  }
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger();
  const store = Store.open(config.files.database);
  let closed = false;
  try {
    checkNodeMode(config, store);
    const integrity = store.integrity();
    const audit = new AuditService(store, clock);
    // integrity at start: a broken database or audit chain keeps the node read-only (docs/protocol.md §9)
    const tail = integrity === 'ok' ? audit.verifyTail() : null;
    const degraded: string | null =
      integrity !== 'ok'
        ? `database integrity check failed: ${integrity}`
        : !tail!.ok
          ? `the audit chain is broken at entry ${tail!.firstBroken}: ${tail!.reason}`
          : null;
    if (degraded) log.error({ alert: true, reason: degraded }, 'node started read-only');
    const writable = () => degraded;
    const { nodeId, country, limits } = config;
    const exercise = config.mode === 'exercise';

    const identity = new NodeIdentity(nodeId, secrets, store.meta);
    const metrics = new Metrics(store, audit, clock);
    const tokens = new TokenService(store, audit, clock);
    const partners = new PartnerService(store, audit, clock, nodeId, config.mode);
    const agreements = new AgreementService(store, nodeId);
    const alarms = new AlarmService(store, audit, clock, log);
    // entente/1.1 (docs/protocol.md §14.1): what this node speaks, and what each partner said it speaks
    const versions = new ProtocolVersions(store, clock, config.protocol.maxMinor);

    // the exchange: publication → outbound (materialise) → `appended` → links (push) → partner's receipt
    const outbound = new Outbound(
      {
        store,
        audit,
        clock,
        identity,
        agreements,
        alarms,
        versions,
        options: {
          nodeId,
          country,
          window: config.sync.materialisationWindow,
          maxReleaseBytes: limits.maxReleaseBytes,
          maxBatchBytes: limits.maxBatchBytes,
          statementIdleHours: config.sync.statementIdleHours,
        },
      },
      partners,
    );
    const consultations = new ConsultationService(store, audit, clock, outbound, agreements, {
      nodeId,
      country,
      holidays: config.consultations.holidays,
    });
    const records = new RecordService(store, audit, clock, {
      nodeId,
      country,
      reviewReminderDays: config.records.reviewReminderDays,
      identity,
      publications: outbound,
      maxMinor: config.protocol.maxMinor,
    });
    // alerts and acknowledgements (docs/protocol.md §14.2–§14.4)
    const alerts = new Alerts({
      store,
      audit,
      clock,
      alarms,
      outbound,
      agreements,
      versions,
      nodeId,
      webhooks: config.notifications.webhooks,
      exercise,
    });
    const webhooks = new WebhookNotifier(store, clock, log, { webhooks: config.notifications.webhooks });
    // RECEIVED goes to the originator after the commit; when its versions are not known yet, they are
    // learned first (late-bound: the links are built below)
    let learnThen: (partner: string) => void = () => undefined;
    const sendReceived = (partner?: string) => {
      const r = alerts.sendReceived(partner);
      outbound.wake(r.appended);
      for (const p of r.learn) learnThen(p);
    };
    const received = new ReceivedRecordStore(store);
    const signatures = new SignaturePool();
    const inbound = new Inbound({
      store,
      audit,
      clock,
      alarms,
      identity,
      partners,
      records: received,
      consultations,
      signatures,
      nodeId,
      countryOf: (n) => (n === nodeId ? country : partners.countryOf(n)),
      maxReleaseBytes: limits.maxReleaseBytes,
      alerts,
      maxMinor: config.protocol.maxMinor,
      committed: (peer) => {
        sendReceived(peer);
        webhooks.kick();
      },
      observer: {
        counts: (p, outcome, n) => n > 0 && metrics.ingest.inc({ partner: p, outcome }, n),
        skew: (p, sec) => metrics.observeSkew(p, sec),
      },
    });
    const links = new Links({
      partners,
      agreements,
      outbound,
      inbound,
      alarms,
      identity,
      clock,
      log,
      versions,
      learned: (partner) => {
        const r = alerts.sendReceived(partner);
        outbound.wake(r.appended);
      },
      observer: {
        pushError: (p, kind) => metrics.pushErrors.inc({ partner: p, kind }),
        pullError: (p) => metrics.pullErrors.inc({ partner: p }),
      },
      options: {
        pullIntervalMs: config.sync.pullIntervalSeconds * 1000,
        tickMs: 5000,
        breakerThreshold: config.sync.breakerThreshold,
        breakerCooldownMs: config.sync.breakerCooldownSeconds * 1000,
        ...options.sync,
      },
    });
    learnThen = (partner) => {
      void links.learn(partner).catch((e: unknown) => log.warn({ err: e, partner }, 'learning versions failed'));
    };
    const exchange = new ExchangeAdmin({
      store,
      audit,
      clock,
      agreements,
      outbound,
      alarms,
      links,
      reviews: received,
      versions,
    });
    const partnerAdmin = new PartnerAdmin(partners, exchange);
    const keys = new KeyService({ store, audit, clock, identity, announcer: outbound, config, secrets });

    const screening = new ScreeningService(store, audit, clock, nodeId);
    const imports = new ReferenceListImports(store, audit, clock, join(dirname(config.files.database), 'imports'));
    if (!degraded) {
      const left = imports.recover();
      if (left > 0)
        log.info({ names: left }, 'screening index: names of unfinished or superseded list imports removed');
      const renormalised = screening.reindexIfStale((line) => log.info(line.trim()));
      if (renormalised > 0) {
        log.info(
          { names: renormalised },
          'screening index: names normalised again after a change of the name normalisation',
        );
      }
    }
    screening.onLatency = (sec) => metrics.screening.observe(sec);

    const fedApp = createFederationApp({
      partners,
      info: {
        nodeInfo: () => ({
          nodeId,
          name: config.name,
          country,
          protocol: 'entente/1',
          // a node in 1.0 mode answers exactly as a 1.0 node: no protocolVersions
          ...(versions.local11 ? { protocolVersions: versions.own, mode: config.mode } : {}),
          keys: { keys: identity.publicKeys },
          maxBatchBytes: limits.maxBatchBytes,
          maxReleaseBytes: limits.maxReleaseBytes,
        }),
      },
      log,
      routes: federationRoutes({ outbound, inbound, maxBatchBytes: limits.maxBatchBytes, jsonDepth: limits.jsonDepth }),
      writable,
      limits: {
        ratePerSecond: limits.ratePerSecond,
        burst: limits.burst,
        concurrent: limits.concurrentPerPartner,
        now: () => Date.now(),
      },
      countRequest: (status) => metrics.requests.inc({ listener: 'federation', status: String(status) }),
      ...(options.observeResponses ? { observe: options.observeResponses } : {}),
    });
    const federation = createFederationServer(fedApp, {
      identity: () => identity.tls,
      cas: () => partners.trustedCas(),
      log,
      connectionsPerPartner: limits.connectionsPerPartner,
    });

    // events with more than one listener, or crossing capabilities
    outbound.events.on('appended', (partner) => links.wake(partner));
    outbound.events.on('receipt', () => keys.check());
    outbound.events.on('urgent', (partner) => links.urge(partner));
    metrics.alertGauge(() => alerts.unacknowledged());
    partners.events.on('changed', (partner) => {
      links.trustChanged(partner);
      federation.trustChanged(partner);
    });
    keys.events.on('signing-key', (kid) => log.info({ kid }, 'signing with the rotated key'));
    keys.events.on('tls', () => {
      federation.reloadIdentity();
      links.identityChanged();
      log.info('serving and connecting with the rotated TLS key');
    });

    // exports (TAXII/STIX, CSV): the interop room reaches tokens, partners and records only through this
    const interop: InteropDeps = {
      node: { nodeId: config.nodeId, name: config.name, country: config.country },
      exercise,
      partners: () =>
        partners.list().map((p) => ({ nodeId: p.node_id, name: p.name, country: p.country, removed: !!p.removed_at })),
      authenticate: (secret, context) => tokens.authenticate(secret, context),
      recordUse: (p, method, path) => tokens.recordUse({ name: p.name, role: p.role as Role }, method, path),
      tokenRole: (name) => tokens.list().find((t) => t.name === name && !t.revoked_at)?.role,
      store: store.interop,
      audited: (entry, write) => store.tx(() => (write(), audit.append(entry))),
      tx: (fn) => store.tx(fn),
      now: () => clock.now(),
    };
    const exportAccess = new ExportAccessService(interop);
    const taxii = new TaxiiService(interop, exportAccess);

    const listeners: Record<string, string> = { federation: 'starting', operator: 'starting' };
    const reciprocity = new ReciprocityService(store);
    const webConsole = consoleRouter({
      node: { nodeId, name: config.name, country, mode: config.mode },
      now: () => clock.now(),
      writable,
      sessions: new ConsoleSessions(store, audit, tokens, clock),
      tokens,
      records,
      views: new ConsoleViews(store, clock, agreements),
      screening,
      audit: {
        record: (e) => audit.record(e),
        verify: () => audit.verify(),
        page: (after, limit) => audit.page(after, limit),
        exportAll: () => audit.export(nodeId, identity.publicKeys, 1, Number.MAX_SAFE_INTEGER, exercise),
      },
      consultations,
      partners: {
        list: () => partnerAdmin.list(),
        nodeIds: () => partnerAdmin.nodeIds(),
        view: (nodeId) => partnerAdmin.view(nodeId),
        put: (nodeId, bundle, fingerprint, change, actor) =>
          partnerAdmin.put(nodeId, bundle, fingerprint, change, actor),
        remove: (nodeId, actor) => partnerAdmin.remove(nodeId, actor),
        fingerprintOf: bundleFingerprint,
        readAloudOf: readAloudFingerprint,
      },
      exchange,
      reciprocity,
      keys,
      alerts: {
        received: (limit) => alerts.received(limit),
        sent: (limit) => alerts.sent(limit),
        unacknowledged: () => alerts.unacknowledged(),
        acknowledge: (input, actor) => {
          const r = alerts.acknowledge(input, actor);
          if (r.appended) outbound.wake([r.appended]);
          return r;
        },
      },
    });
    const routers: Router[] = [
      // first: CSV by content negotiation wraps what the record and screening routes send
      exportRoutes(exportAccess, taxii, csvResponses(interop, exportAccess)),
      tokenRoutes(tokens),
      nodeRoutes(() => ({
        nodeId,
        name: config.name,
        country: country as NodeView['country'],
        url: config.url,
        mode: config.mode,
        protocolVersions: versions.own,
      })),
      partnerRoutes(partnerAdmin),
      exchangeRoutes(exchange),
      // the exercise reset (docs/protocol.md §14.5): the wipe, then every stream restarted as by `stream reset`
      exerciseRoutes(new ExerciseService({ store, audit, streams: outbound, nodeId, mode: config.mode })),
      recordRoutes(records),
      auditRoutes(audit, nodeId, () => identity.publicKeys, exercise),
      keyRoutes(keys),
      reciprocityRoutes(reciprocity),
      consultationRoutes(consultations),
      alertRoutes(alerts, (partner) => {
        if (partner) outbound.wake([partner]);
      }),
      screeningRoutes(screening, audit, { exercise }),
      referenceListRoutes(imports),
    ];
    const opApp = createOperatorApp({
      tokens,
      log,
      bodyLimitBytes: limits.operatorBodyBytes,
      jsonDepth: limits.jsonDepth,
      routers,
      mode: config.mode,
      console: webConsole,
      selfAuthenticated: [
        ['/taxii2', taxiiRoutes(taxii, interop, { maxContentLength: config.limits.operatorBodyBytes })],
      ],
      uploads: [referenceListUploadRoutes(imports)],
      writable,
      countRequest: (status) => metrics.requests.inc({ listener: 'operator', status: String(status) }),
      public: apiDocsRoutes(),
      ...(options.observeResponses ? { observe: options.observeResponses } : {}),
      extra: (app) => {
        app.get('/metrics', requireRole('admin', 'metrics'), async (_req, res) => {
          res.type('text/plain; version=0.0.4').send(await metrics.text());
        });
      },
      health: {
        health: () => {
          // the integrity check of the start: quick_check reads every page (seconds with a large screening
          // index), and /healthz must answer at once, also during a list import (docs/screening.md)
          const database = closed ? 'closed' : integrity;
          return {
            ok: database === 'ok' && !degraded && Object.values(listeners).every((s) => s === 'listening'),
            database,
            audit: degraded ?? 'ok',
            listeners: { ...listeners },
            skewSeconds: metrics.skews(),
            ...(degraded ? { reason: degraded } : {}),
          };
        },
      },
    });
    const operator = createOperatorServer(opApp);
    if (integrity !== 'ok') log.error({ integrity }, 'database integrity check failed');

    // a listener that cannot bind closes what was opened: the process must not linger half-started
    const bind = async (
      name: 'federation' | 'operator',
      server: { listen(host: string, port: number): Promise<number> },
      host: string,
      port: number,
    ) => {
      try {
        const bound = await server.listen(host, port);
        listeners[name] = 'listening';
        return bound;
      } catch (e) {
        await Promise.all([federation.close(), operator.close()]);
        await signatures.close();
        throw listenError(name, host, port, e);
      }
    };
    const federationPort = await bind(
      'federation',
      federation,
      config.federation.host,
      options.federationPort ?? config.federation.port,
    );
    const operatorPort = await bind(
      'operator',
      operator,
      config.operator.host,
      options.operatorPort ?? config.operator.port,
    );
    if (options.sync?.autoStart !== false) links.start();
    if (!degraded) {
      webhooks.start();
      sendReceived();
    }
    const checkpointTimer = setInterval(
      () => {
        if (!degraded) audit.checkpoint(identity.signer);
      },
      (options.checkpointMinutes ?? 60) * 60_000,
    );
    checkpointTimer.unref();
    const lapseTimer = setInterval(() => {
      if (degraded) return;
      consultations.lapse();
      screening.indexPending();
      sendReceived();
    }, 60_000);
    lapseTimer.unref();
    if (!degraded) audit.checkpoint(identity.signer);
    log.info({ nodeId, federationPort, operatorPort }, 'node started');

    return {
      config,
      store,
      degraded,
      federationPort,
      operatorPort,
      federationUrl: `https://${hostFor(config.federation.host)}:${federationPort}`,
      operatorUrl: `http://${hostFor(config.operator.host)}:${operatorPort}`,
      services: {
        audit,
        identity,
        get signer() {
          return identity.signer;
        },
        tokens,
        partners,
        partnerAdmin,
        records,
        agreements,
        outbound,
        inbound,
        links,
        exchange,
        alarms,
        metrics,
        keys,
        consultations,
        screening,
        versions,
        alerts,
        webhooks,
      },
      async close() {
        if (closed) return;
        closed = true;
        clearInterval(checkpointTimer);
        clearInterval(lapseTimer);
        await imports.close();
        await links.close();
        await webhooks.close();
        await Promise.all([federation.close(), operator.close()]);
        await signatures.close();
        store.close();
        log.info({ nodeId }, 'node stopped');
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
