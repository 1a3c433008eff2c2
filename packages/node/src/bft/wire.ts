/**
 * Wiring of a BFT node (called by startNode when config.json has `p2p`): the member registry from
 * the genesis, the peer network, the consensus core with this node's key, the WAL file, the
 * consensus application and the driver.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidatorSet } from '@xinlian/codec';
import { suiteSigner, suiteVerifier, TendermintCore } from '@xinlian/consensus';
import { addressOf, type CryptoSuite, type PrivateKey, type PublicKey } from '@xinlian/crypto';
import { namespacePrefix } from '@xinlian/execution';
import { type MemberInfo, type MemberRegistry, PeerNetwork } from '@xinlian/network';
import type { Genesis } from '@xinlian/schemas';
import type { ChainStore } from '@xinlian/store';
import { type Clock, compareBytes, fromHex, startsWithBytes, toHex, XinlianError } from '@xinlian/utils';
import type { Logger } from 'pino';
import type { ConsensusConfig, P2pConfig } from '../config.js';
import type { Mempool } from '../mempool.js';
import type { NodeMetrics } from '../metrics.js';
import type { CommittedBlock, HeadState, PendingTx } from '../producer.js';
import type { Timers } from '../timers.js';
import { BftApp, type BftAppModules } from './app.js';
import { BftDriver } from './driver.js';
import { BftMetrics } from './metrics.js';
import { ChainRegistry, type NodeMemberRecord } from './registry.js';
import { ValidatorSets } from './valsets.js';
import { FileWal } from './wal.js';

/** Consensus timing of a BFT node (spec/consensus.md §5, §7). */
export const BFT_TIMEOUTS = { proposeMs: 1000, prevoteMs: 500, precommitMs: 500, deltaMs: 250 } as const;
export const BFT_SYNCHRONY = { precisionMs: 500, messageDelayMs: 1000 } as const;
/** Without txs, an empty block this often (a liveness heartbeat). */
export const EMPTY_BLOCK_MS = 5000;
/**
 * Proposal building (a local choice, not a validity rule; spec/consensus.md §9): at most this
 * many txs per proposed block, and at most what this node executes in this share of the propose
 * timeout at its recent speed (never fewer than 500).
 */
export const PROPOSE_MAX_TXS = 2000;
export const PROPOSE_BUDGET_SHARE = 0.5;

/** Connected peers are re-checked at least this often (block time), besides governance changes. */
const PEER_RECHECK_MS = 60_000;

/** The member registry of a genesis: validators and observers bound to organizations. */
export function genesisRegistry(genesis: Genesis): MemberRegistry & { readonly size: number } {
  const members = new Map<string, MemberInfo>();
  for (const v of genesis.validators) {
    members.set(v.publicKey, { org: v.organization ?? '', name: v.name, role: 'validator' });
  }
  for (const o of genesis.observers ?? []) {
    members.set(o.publicKey, { org: o.organization, name: o.name, role: 'observer' });
  }
  return {
    size: members.size,
    isMember: (publicKey: PublicKey) => members.get(toHex(publicKey.bytes)),
  };
}

export interface BftChainOptions {
  readonly genesis: Genesis;
  readonly genesisHash: Uint8Array;
  readonly p2p: P2pConfig;
  /** Overrides of the consensus timing defaults. */
  readonly consensus?: ConsensusConfig;
  readonly role: 'validator' | 'observer';
  readonly dataDir: string;
  readonly validatorSet: ValidatorSet;
  readonly validatorSetHash: Uint8Array;
}

export interface BftChainModules {
  readonly suite: CryptoSuite;
  readonly key: PrivateKey;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly store: ChainStore;
  readonly mempool: Mempool<PendingTx>;
  readonly executor: BftAppModules['executor'];
  readonly logger: Logger;
  readonly nodeMetrics: NodeMetrics;
  readonly admitGossip: (bytes: Uint8Array) => Promise<unknown>;
  readonly onCommit: (c: CommittedBlock) => void;
  /** The current block limits from the chain params (governance); absent: the genesis params. */
  readonly limits?: () => { readonly maxBlockTxs: number; readonly maxBlockBytes: number };
  /** A governance query on committed state (`executor.query('governance', name, params)`). */
  readonly governanceQuery: (name: string, params: Record<string, unknown>) => unknown;
  /** `Governance.identify` on the store: throws PERM_* unless the address is an admitted member. */
  readonly identify: (address: string, time: number) => void;
  /** The admission in progress of a tx (by txId hex), if any (see BftAppModules.admitting). */
  readonly admitting?: (txId: string) => Promise<unknown> | undefined;
  /** The verifier worker pool (proposal txs not verified yet are verified there before voting). */
  readonly verifier?: BftAppModules['verifier'];
}

/** Builds the BFT components of a node; `driver.start()` starts the network and consensus. */
export function createBftChain(
  opts: BftChainOptions,
  m: BftChainModules,
  head: HeadState,
): { driver: BftDriver; sets: ValidatorSets } {
  const { genesis, validatorSet, p2p } = opts;
  const c = opts.consensus ?? {};
  const timeouts = {
    proposeMs: c.proposeMs ?? BFT_TIMEOUTS.proposeMs,
    prevoteMs: c.prevoteMs ?? BFT_TIMEOUTS.prevoteMs,
    precommitMs: c.precommitMs ?? BFT_TIMEOUTS.precommitMs,
    deltaMs: c.deltaMs ?? BFT_TIMEOUTS.deltaMs,
  };
  const synchrony = {
    precisionMs: c.precisionMs ?? BFT_SYNCHRONY.precisionMs,
    messageDelayMs: c.messageDelayMs ?? BFT_SYNCHRONY.messageDelayMs,
  };
  const emptyBlockMs = c.emptyBlockMs ?? EMPTY_BLOCK_MS;
  let driver: BftDriver | undefined;
  const committedHeight = () => driver?.head.height ?? head.height;
  // The validator sets scheduled by governance (spec/consensus.md §11), re-read after each commit.
  const sets = new ValidatorSets({
    suite: m.suite,
    query: () => m.governanceQuery('validatorSets', {}),
    committedHeight,
    blockBytes: (height) => m.store.getBlockBytes(height),
  });
  // Who may connect: from committed governance state (validator sets, members, revocations).
  const registry = new ChainRegistry({
    genesis,
    sets,
    committedHeight,
    addressOf: (key) => addressOf(m.suite, key),
    member: (address) =>
      (m.governanceQuery('member', { address }) ?? undefined) as NodeMemberRecord | undefined,
    identify: m.identify,
    organizationExists: (org) => m.governanceQuery('organization', { org }) !== null,
    time: () => driver?.head.time ?? head.time,
  });
  const selfKey = m.key.publicKey.bytes;
  const selfHex = toHex(selfKey);
  const initialSet = sets.at(head.height + 1);
  // A validator's key must be in a set of the chain (genesis or scheduled by governance); it then
  // signs at exactly the heights whose set holds it. An observer signs only once governance adds
  // its key to the set (spec/consensus.md §11).
  if (opts.role === 'validator' && !sets.schedule().some((s) => s.index.has(selfHex))) {
    throw new XinlianError(
      'NODE_NOT_VALIDATOR',
      'role is validator but the key is in no validator set known here (start a new validator as an observer until it has synced)',
      {
        publicKey: selfHex,
      },
    );
  }
  const selfIndex = initialSet.index.get(selfHex);
  const logger = m.logger.child({ component: 'bft' });
  // A node registered on chain after this node's committed head (e.g. a new node syncing from
  // height 0) is not admitted by its own state yet; the peers decide with theirs.
  if (registry.isMember(m.key.publicKey) === undefined) {
    logger.warn(
      { publicKey: selfHex, height: head.height },
      'this node key is not an admitted member in the committed state known here; peers may refuse it',
    );
  }
  // A configured peer that committed state does not admit (never a member, or revoked since) is
  // still dialed — the handshake refuses it until it is admitted (e.g. re-registered).
  p2p.peers.forEach((peer, i) => {
    if (registry.isMember(m.suite.publicKeyFromBytes(fromHex(peer.publicKey))) === undefined) {
      logger.warn(
        { field: `/p2p/peers/${i}/publicKey`, publicKey: peer.publicKey },
        'configured peer is not an admitted member of the chain',
      );
    }
  });
  const metrics = new BftMetrics(m.nodeMetrics.registry);
  const network = new PeerNetwork(
    {
      listenHost: p2p.host,
      listenPort: p2p.port,
      // Both ends of a pair keep the link dialed by the lower key (spec/network.md §4), so only that
      // end dials: no duplicate links to resolve. The other end waits for the inbound link.
      peers: p2p.peers
        .filter((p) => compareBytes(selfKey, fromHex(p.publicKey)) < 0)
        .map((p) => ({ host: p.host, port: p.port })),
      chainId: genesis.chainId,
      genesisHash: opts.genesisHash,
      reconnect: { initialMs: 250, maxMs: 5000 },
    },
    {
      suite: m.suite,
      key: m.key,
      registry,
      logger: logger.child({ component: 'p2p' }),
    },
  );
  // A configured peer address must authenticate with the key the config expects.
  network.onMessage((peer) => {
    if (peer.direction !== 'outbound') return;
    const want = p2p.peers.find((p) => p.port === peer.remotePort && sameHost(p.host, peer.remoteAddress));
    if (want !== undefined && want.publicKey !== peer.key) {
      logger.warn(
        { address: `${want.host}:${want.port}`, expected: want.publicKey, actual: peer.key },
        'peer authenticated with an unexpected key; disconnecting',
      );
      network.disconnect(peer.key);
    }
  });
  const app = new BftApp(
    {
      chainId: genesis.chainId,
      maxBlockTxs: genesis.params.maxBlockTxs,
      maxBlockBytes: genesis.params.maxBlockBytes,
      validatorSetHash: opts.validatorSetHash,
      proposer: selfKey,
      proposeMaxTxs: PROPOSE_MAX_TXS,
      proposeBudgetMs: Math.round(timeouts.proposeMs * PROPOSE_BUDGET_SHARE),
    },
    {
      suite: m.suite,
      clock: m.clock,
      store: m.store,
      mempool: m.mempool,
      executor: m.executor,
      validatorSet,
      validatorSets: sets,
      logger,
      head: () => driver?.head ?? head,
      onExecuted: (seconds) => m.nodeMetrics.blockExecution.observe(seconds),
      ...(m.limits === undefined ? {} : { limits: m.limits }),
      ...(m.verifier === undefined ? {} : { verifier: m.verifier }),
      ...(m.admitting === undefined ? {} : { admitting: m.admitting }),
    },
  );
  const newCore = (set: ValidatorSet, index: number | undefined) =>
    new TendermintCore(
      {
        chainId: genesis.chainId,
        validatorSet: set,
        ...(index === undefined ? {} : { selfIndex: index }),
        timeouts,
        synchrony,
      },
      { signer: suiteSigner(m.suite, m.key), verifier: suiteVerifier(m.suite), app },
    );
  const core = newCore(initialSet.set, selfIndex);
  // The WAL of a node that signs (or signed before a restart); an observer opens it once
  // governance adds its key to the set.
  const walPath = join(opts.dataDir, 'consensus.wal');
  const wal = selfIndex !== undefined || existsSync(walPath) ? new FileWal(walPath) : undefined;
  const governancePrefix = namespacePrefix('governance');
  /** After a block that changed governance state or ended a set: drop the links of nodes no longer admitted. */
  let lastRecheckTime = head.time;
  const recheckPeers = (c: CommittedBlock) => {
    // Also once a minute of block time: a certificate that expired needs no governance write.
    const due = c.block.header.time - lastRecheckTime >= PEER_RECHECK_MS;
    // A validator set that decided this height and not the next: its removed keys leave the window.
    const h = c.block.header.height;
    const setEnded = sets.at(h).since !== sets.at(h + 1).since;
    if (!due && !setEnded && !c.execution.stateWrites.some((w) => startsWithBytes(w.key, governancePrefix)))
      return;
    lastRecheckTime = c.block.header.time;
    for (const peer of network.peers()) {
      if (registry.isMember(m.suite.publicKeyFromBytes(fromHex(peer.key))) !== undefined) continue;
      logger.warn(
        {
          peer: peer.key.slice(0, 16),
          name: peer.member.name,
          org: peer.member.org,
          height: c.block.header.height,
        },
        'peer no longer admitted by committed governance state; disconnecting',
      );
      network.disconnect(peer.key);
    }
  };
  driver = new BftDriver(
    {
      chainId: genesis.chainId,
      validatorSet: initialSet.set,
      organizations: initialSet.organizations,
      selfIndex,
      selfKey: selfHex,
      rebroadcastMs: 1000,
      emptyBlockMs,
      commitDelayMs: Math.min(20, genesis.params.blockIntervalMs),
      silentAfterMs: 3 * emptyBlockMs,
    },
    {
      core,
      validatorSets: sets,
      newCore,
      app,
      wal,
      openWal: () => new FileWal(walPath),
      network,
      store: m.store,
      suite: m.suite,
      mempool: m.mempool,
      clock: m.clock,
      timers: m.timers,
      logger,
      metrics,
      nodeMetrics: m.nodeMetrics,
      admitGossip: m.admitGossip,
      onCommit: (c) => {
        m.onCommit(c);
        recheckPeers(c);
      },
    },
    head,
  );
  return { driver, sets };
}

function sameHost(configured: string, remote: string): boolean {
  const norm = (h: string) => (h === 'localhost' ? '127.0.0.1' : h.replace(/^::ffff:/, ''));
  return norm(configured) === norm(remote);
}
