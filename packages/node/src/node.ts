import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { decodeBlock, type JsonValue, validatorSetHash } from '@xinlian/codec';
import { genesisValidatorSet, SoloProposer } from '@xinlian/consensus';
import { consoleAssetsDir } from '@xinlian/console';
import { createSuite, decryptKeyFile, VerifierPool } from '@xinlian/crypto';
import { Executor, genesisAppHash, type StateView, txTooLarge } from '@xinlian/execution';
import { createEvidenceModule } from '@xinlian/module-evidence';
import { createTraceabilityModule, type EventRecord } from '@xinlian/module-traceability';
import type { TxCommitted } from '@xinlian/schemas';
import { LmdbChainStore } from '@xinlian/store';
import { equalBytes, fromHex, systemClock, toHex, utf8, XinlianError } from '@xinlian/utils';
import type { Logger } from 'pino';
import { Admission, refuseSoloValidatorSet } from './admission.js';
import { DigestIndex, DigestIndexCompactor } from './batch.js';
import { createBftChain } from './bft/wire.js';
import type { LogLevel } from './config.js';
import { EpcisService } from './epcis/service.js';
import { governanceFor } from './governance.js';
import { readHome } from './home.js';
import { digitalLinkRoutes, epcisRoutes } from './http/epcis-routes.js';
import { ReadAuth } from './http/read-auth.js';
import { apiRoutes } from './http/routes.js';
import { API_LISTEN_BACKLOG, createApiServer } from './http/server.js';
import { EventStream } from './http/sse.js';
import { loadStaticSite } from './http/static.js';
import { createLogger } from './logger.js';
import { Mempool } from './mempool.js';
import { NodeMetrics } from './metrics.js';
import { BlockProducer, type HeadState, type PendingTx } from './producer.js';
import { NodeService, type TxOutcome } from './service.js';
import type { Timers } from './timers.js';
import { TreeBuilder } from './tree-builder.js';
import { ChainRules } from './upgrades.js';
import { VerifyBatcher } from './verify-batcher.js';
import { NODE_VERSION } from './version.js';
import { senderIndexEntries } from './views.js';
import { CommitWaiters } from './waiters.js';

export interface StartNodeOptions {
  readonly home: string;
  /** Decrypts the validator key file. */
  readonly passphrase: string;
  /** Override config.json api.host / api.port (port 0 = any free port). */
  readonly apiHost?: string;
  readonly apiPort?: number;
  readonly logLevel?: LogLevel;
  /** Use this logger instead of creating one (stdout JSON). */
  readonly logger?: Logger;
  /** Directory of the built web console served at `/` (default: @xinlian/console's dist/web). */
  readonly consoleDir?: string;
  /**
   * Upgrade names this software supports (default SUPPORTED_UPGRADES): a release that implements
   * upgrade `name` lists it; a node without it halts before the upgrade's height.
   */
  readonly supportedUpgrades?: readonly string[];
}

export interface RunningNode {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:8080 */
  readonly apiUrl: string;
  /** URL of the web console (`apiUrl` + `/`), undefined when the console is not built. */
  readonly consoleUrl: string | undefined;
  readonly chainId: string;
  readonly genesisHash: string;
  readonly home: string;
  readonly logger: Logger;
  /** Port of the P2P listener (BFT nodes only). */
  readonly p2pPort?: number;
  /** Current committed height. */
  height(): number;
  /** Stops serving, finishes the block in progress, closes the store. Idempotent. */
  stop(): Promise<void>;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const META_GENESIS_HASH = 'genesisHash';
/** `?wait=commit` gives up (504 API_TIMEOUT) after this long, unless config api.commitWaitMs says. */
const WAIT_TIMEOUT_MS = 30_000;
/** Without txs, one empty block per this interval at most (a liveness heartbeat). */
const HEARTBEAT_MS = 10_000;
/** SSE events queued for a slow client before it is dropped. */
const SSE_MAX_QUEUE = 256;
const SSE_HEARTBEAT_MS = 15_000;

/**
 * Starts a node from its home directory. This is the only place where the modules are
 * constructed and wired: store, suite, executor (with the evidence module), mempool,
 * block producer, HTTP API.
 */
export async function startNode(opts: StartNodeOptions): Promise<RunningNode> {
  const info = await readHome(opts.home);
  const { genesis, config } = info;
  const logger = opts.logger ?? createLogger({ level: opts.logLevel ?? config.log.level });
  const suite = createSuite(genesis.suite);
  const genesisHash = fromHex(info.genesisHash);
  const key = decryptKeyFile(await readKeyFile(info.keyFile), opts.passphrase);
  const validatorSet = genesisValidatorSet(genesis);
  const role = config.role ?? 'validator';
  // A BFT node's key may be a validator of a later set (scheduled by governance): checked by the
  // BFT wiring against committed state. A solo chain has only the genesis set.
  if (
    role === 'validator' &&
    config.p2p === undefined &&
    !validatorSet.validators.some((v) => equalBytes(v.publicKey, key.publicKey.bytes))
  ) {
    throw new XinlianError('NODE_NOT_VALIDATOR', 'the key file does not hold a genesis validator key', {
      publicKey: toHex(key.publicKey.bytes),
    });
  }

  const cleanup: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const fn of cleanup.reverse()) await fn();
  };
  try {
    const store = await LmdbChainStore.open(
      { path: info.dataDir },
      { logger: logger.child({ component: 'store' }) },
    );
    cleanup.push(() => store.close());
    await checkGenesis(store, info.genesisHash, info.dataDir);
    // Blocks committed before the sender index existed (an older store) are added to it once.
    await store.rebuildSenderIndex((_h, bytes) => senderIndexEntries(suite, bytes));
    const head = loadHead(store, genesis.genesisTime, genesisAppHash(suite, genesisHash));

    const metrics = new NodeMetrics();
    metrics.blockHeight.set(head.height);
    const mempool = new Mempool<PendingTx>(config.mempool);
    const waiters = new CommitWaiters<TxOutcome>(
      { timeoutMs: config.api.commitWaitMs ?? WAIT_TIMEOUT_MS },
      { timers: realTimers },
    );
    const blockStream = new EventStream({ maxQueue: SSE_MAX_QUEUE, heartbeatMs: SSE_HEARTBEAT_MS });
    cleanup.push(async () => blockStream.close());
    const evidence = createEvidenceModule();
    // The capturing organization of a traceability event is its signer's (governance membership).
    let identify: ((view: StateView, address: string) => { org: string }) | undefined;
    const traceability = createTraceabilityModule({
      orgOf: (view, address) => {
        try {
          return identify?.(view, address).org;
        } catch {
          return undefined;
        }
      },
    });
    const governance = governanceFor(genesis, suite, [evidence, traceability]);
    identify = (view, address) => governance.identify(view, address);
    const executor = new Executor(
      { chainId: genesis.chainId, params: genesis.params },
      {
        suite,
        modules: [evidence, governance.module, traceability],
        state: store,
        txIndex: store,
        authorizer: governance.authorizer,
        params: governance.paramsSource,
        stateVersion: () => store.stateVersion(),
      },
    );
    const rules = new ChainRules(
      {
        genesisParams: genesis.params,
        ...(opts.supportedUpgrades === undefined ? {} : { supportedUpgrades: opts.supportedUpgrades }),
      },
      { governance, state: store, logger: logger.child({ component: 'upgrade' }) },
    );
    // After each commit: purge the mempool of txs over a lowered maxTxBytes (they would only
    // become failed receipts), and halt before a height that needs an upgrade this software lacks.
    let halt: (() => void) | undefined;
    let maxTxBytes = rules.params().maxTxBytes;
    const afterCommit = (height: number) => {
      const limit = rules.params().maxTxBytes;
      if (limit < maxTxBytes) {
        const purged = mempool.removeWhere((t) => t.checked.bytes.length > limit);
        if (purged.length > 0) {
          logger.info(
            { height, maxTxBytes: limit, count: purged.length },
            'purged txs over the lowered maxTxBytes',
          );
          metrics.mempoolSize.set(mempool.size);
          for (const t of purged) {
            const size = t.checked.bytes.length;
            service?.onDrop([t], txTooLarge(size, limit, ` since height ${height + 1}`));
          }
        }
      }
      maxTxBytes = limit;
      if (rules.check(height) !== undefined) halt?.();
    };
    // The solo proposer signs alone: only for a chain without p2p (one validator holding a quorum).
    const proposer =
      config.p2p === undefined
        ? new SoloProposer(
            { chainId: genesis.chainId, key, validatorSet, lastSignedHeight: head.height },
            { suite },
          )
        : undefined;
    const pool = new VerifierPool({ suite: genesis.suite, threads: Math.min(2, availableParallelism()) });
    cleanup.push(() => pool.close());
    // A BFT node verifies the txs of a proposal it has not admitted yet on a worker of its own.
    const consensusPool =
      config.p2p === undefined ? undefined : new VerifierPool({ suite: genesis.suite, threads: 1 });
    if (consensusPool !== undefined) cleanup.push(() => consensusPool.close());
    const treeBuilder = new TreeBuilder({ suite: genesis.suite });
    cleanup.push(() => treeBuilder.close());
    const digestIndex = new DigestIndex({ aux: store });
    const compactor = new DigestIndexCompactor({
      index: digestIndex,
      sortRun: (records) => treeBuilder.sortRun(records),
      store,
      metrics,
      logger: logger.child({ component: 'digest-index' }),
    });
    cleanup.push(() => compactor.close());
    compactor.schedule(); // catches up on runs left unmerged by a stop
    const verifier = new VerifyBatcher(
      { maxBatch: 512 },
      { verifier: pool, defer: (fn) => setImmediate(fn) },
    );

    // The producer reports commits to the service, which needs the producer's head: late-bound.
    let service: NodeService | undefined;
    let admission: Admission | undefined;
    // With p2p configured the chain is decided by Tendermint BFT among the genesis validators.
    const bftChain =
      config.p2p === undefined
        ? undefined
        : createBftChain(
            {
              genesis,
              genesisHash,
              p2p: config.p2p,
              ...(config.consensus === undefined ? {} : { consensus: config.consensus }),
              role,
              dataDir: info.dataDir,
              validatorSet,
              validatorSetHash: validatorSetHash(suite.hash, validatorSet),
            },
            {
              suite,
              key,
              clock: systemClock,
              timers: realTimers,
              store,
              mempool,
              executor,
              logger,
              nodeMetrics: metrics,
              admitGossip: (bytes) => (admission as Admission).admit({ bytes }),
              admitting: (txId) => (admission as Admission).admitting(txId),
              // Its own worker: proposal txs are not queued behind the admission backlog.
              ...(consensusPool === undefined ? {} : { verifier: consensusPool }),
              onCommit: (c) => {
                service?.onCommit(c);
                afterCommit(c.block.header.height);
              },
              limits: () => rules.params(),
              governanceQuery: (name, params) => executor.query('governance', name, params as JsonValue),
              identify: (address, time) => {
                governance.identify(store, address, time);
              },
            },
            head,
          );
    const bft = bftChain?.driver;
    const producer = new BlockProducer(
      {
        chainId: genesis.chainId,
        blockIntervalMs: genesis.params.blockIntervalMs,
        heartbeatMs: HEARTBEAT_MS,
        maxBlockTxs: genesis.params.maxBlockTxs,
        maxBlockBytes: genesis.params.maxBlockBytes,
        validatorSetHash: validatorSetHash(suite.hash, validatorSet),
        proposer: key.publicKey.bytes,
      },
      {
        clock: systemClock,
        timers: realTimers,
        store,
        mempool,
        executor,
        certify: (header) => (proposer as SoloProposer).commit(header),
        logger: logger.child({ component: 'producer' }),
        metrics,
        onCommit: (c) => {
          service?.onCommit(c);
          afterCommit(c.block.header.height);
        },
        onDrop: (txs, err) => service?.onDrop(txs, err),
        limits: () => rules.params(),
      },
      head,
    );
    admission = new Admission({
      ...(bft === undefined
        ? {}
        : {
            onAdmitted: (entry: PendingTx) => bft.onTxAdmitted(entry),
            signatureKnown: (txId: Uint8Array, signature: Uint8Array) => bft.signatureKnown(txId, signature),
          }),
      suite,
      clock: systemClock,
      mempool,
      txIndex: store,
      stateVersion: () => store.stateVersion(),
      metrics,
      checkTx: (bytes, skipSignature) => {
        rules.assertRunning();
        const checked = executor.checkTx(
          bytes,
          { height: (bft ?? producer).head.height + 1, time: (bft ?? producer).head.time },
          { skipSignature },
        );
        // A solo chain runs its genesis validator only: a validator-set proposal is refused.
        if (bft === undefined) refuseSoloValidatorSet(checked);
        return checked;
      },
      verifier,
      treeBuilder,
      maxTxBytes: () => maxTxBytes,
    });
    service = new NodeService(
      { genesis, genesisHash, nodeVersion: NODE_VERSION },
      {
        suite,
        store,
        digestIndex,
        compactor,
        executor,
        mempool,
        admission,
        producer: bft ?? producer,
        waiters,
        metrics,
        blockStream,
        rules,
        ...(bft === undefined ? {} : { consensus: () => bft.status() }),
        ...(bftChain === undefined ? {} : { validatorSets: bftChain.sets }),
      },
    );

    const nodeService = service;
    const epcis = new EpcisService(
      {
        chainId: genesis.chainId,
        maxTxBytes: genesis.params.maxTxBytes,
        maxTxLifetime: genesis.params.maxTxLifetime,
      },
      {
        suite,
        key,
        head: () => (bft ?? producer).head.height,
        submitAndWait: async (bytes) => {
          const out = (await nodeService.submit({
            bytes,
            wait: true,
            module: 'traceability',
          })) as TxCommitted;
          return { txId: out.txId, height: out.height, result: out.result };
        },
        query: (name, params) => executor.query('traceability', name, params as JsonValue),
        receipt: (record: EventRecord) =>
          nodeService.receiptOfTx(
            record.txId,
            'traceability',
            {
              algorithm: 'sha256',
              value: record.eventId.slice('ni:///sha-256;'.length, -'?ver=CBV2.0'.length),
            },
            record as unknown as JsonValue,
          ),
        now: () => systemClock.now(),
        newId: () => randomUUID(),
      },
    );

    const site = await loadStaticSite(opts.consoleDir ?? consoleAssetsDir());
    if (site === undefined)
      logger.warn({ dir: consoleAssetsDir() }, 'web console not built; serving the API only');
    const app = createApiServer(
      { version: NODE_VERSION, ...(config.api.cors === undefined ? {} : { corsOrigins: config.api.cors }) },
      {
        routes: [...apiRoutes(service), ...epcisRoutes(epcis), ...digitalLinkRoutes(epcis)],
        logger: logger.child({ component: 'http' }),
        metrics,
        site,
        readAuth:
          config.api.readAccess === 'members'
            ? new ReadAuth(
                {
                  chainId: genesis.chainId,
                  ...(config.api.readAuthWindowSeconds === undefined
                    ? {}
                    : { windowMs: config.api.readAuthWindowSeconds * 1000 }),
                },
                {
                  suite,
                  clock: systemClock,
                  identify: (address, time) => governance.identify(store, address, time),
                  frozen: (target) => executor.query('governance', 'frozen', { target }) !== null,
                },
              )
            : undefined,
      },
    );
    const host = opts.apiHost ?? config.api.host;
    const port = opts.apiPort ?? config.api.port;
    try {
      await app.listen({ host, port, backlog: API_LISTEN_BACKLOG });
    } catch (e) {
      throw new XinlianError(
        'NODE_LISTEN_FAILED',
        `cannot listen on ${host}:${port}`,
        { host, port },
        { cause: e },
      );
    }
    const address = app.server.address();
    const apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${typeof address === 'object' && address !== null ? address.port : port}`;
    let p2pPort: number | undefined;
    // The solo producer's stop once halted (or never started: halted at start). A BFT driver only
    // halts consensus: its links and block sync serving stay up, so peers that are behind can
    // still fetch the blocks up to the halt (and halt there too).
    let halted: Promise<void> | undefined;
    halt = () => {
      if (bft !== undefined) bft.halt();
      else halted ??= producer.stop();
    };
    const haltedAtStart = rules.check(head.height) !== undefined;
    if (bft !== undefined) {
      if (haltedAtStart) bft.halt();
      p2pPort = (await bft.start()).p2pPort;
    } else if (haltedAtStart) {
      // Halted for an upgrade at restart: serve reads and status only.
      halted = Promise.resolve();
    } else producer.start();
    logger.info(
      {
        apiUrl,
        consoleUrl: site === undefined ? undefined : `${apiUrl}/`,
        p2pPort,
        chainId: genesis.chainId,
        height: head.height,
        genesisHash: info.genesisHash,
      },
      'node started',
    );

    let stopping: Promise<void> | undefined;
    const stop = async () => {
      waiters.rejectAll(
        new XinlianError('NODE_STOPPING', 'the node is shutting down', { retryAfterSeconds: 1 }),
      );
      blockStream.close();
      await app.close();
      if (bft !== undefined) await bft.stop();
      else if (halted !== undefined) await halted;
      else await producer.stop();
      await closeAll();
      logger.info({ height: (bft ?? producer).head.height }, 'node stopped');
    };
    return {
      apiUrl,
      consoleUrl: site === undefined ? undefined : `${apiUrl}/`,
      chainId: genesis.chainId,
      genesisHash: info.genesisHash,
      home: info.home,
      logger,
      height: () => (bft ?? producer).head.height,
      ...(p2pPort === undefined ? {} : { p2pPort }),
      stop: () => {
        stopping ??= stop();
        return stopping;
      },
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new XinlianError(
      'NODE_BAD_CONFIG',
      `cannot read the key file ${path}`,
      { field: '/keyFile', path },
      { cause: e },
    );
  }
}

/** Binds the data directory to one genesis: a store created for another chain is refused. */
async function checkGenesis(store: LmdbChainStore, genesisHashHex: string, dataDir: string): Promise<void> {
  const stored = store.getMeta(META_GENESIS_HASH);
  if (stored === undefined) await store.putMeta(META_GENESIS_HASH, utf8(genesisHashHex));
  else if (!equalBytes(stored, utf8(genesisHashHex))) {
    throw new XinlianError('NODE_GENESIS_MISMATCH', 'the data directory belongs to another genesis', {
      dataDir,
    });
  }
}

/** The in-memory head rebuilt from the store (height 0 = genesis). */
function loadHead(store: LmdbChainStore, genesisTime: number, genesisAppHashValue: Uint8Array): HeadState {
  const head = store.head();
  if (head === undefined) {
    return { height: 0, blockId: new Uint8Array(32), appHash: genesisAppHashValue, time: genesisTime };
  }
  const bytes = store.getBlockBytes(head.height);
  if (bytes === undefined)
    throw new XinlianError('STORE_CORRUPT', 'head block missing', { height: head.height });
  return {
    height: head.height,
    blockId: head.blockId,
    appHash: head.appHash,
    time: decodeBlock(bytes).header.time,
  };
}
