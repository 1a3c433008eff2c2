import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the BFT driver, registered in the node's registry. */
export class BftMetrics {
  readonly height: Gauge;
  readonly round: Gauge;
  readonly heightDuration: Histogram;
  readonly votesReceived: Counter<'type'>;
  readonly proposalsReceived: Counter;
  readonly rejected: Counter<'reason'>;
  readonly evidence: Counter<'kind'>;
  readonly peersConnected: Gauge;
  readonly syncLag: Gauge;
  readonly syncedBlocks: Counter;
  readonly walAppend: Histogram;
  readonly txsGossiped: Counter<'direction'>;
  readonly connectionsClosed: Counter<'reason'>;
  readonly proposalSignatures: Counter<'where'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.height = new Gauge({
      name: 'xinlian_consensus_height_blocks',
      help: 'Height the consensus core is deciding',
      registers,
    });
    this.round = new Gauge({
      name: 'xinlian_consensus_round_rounds',
      help: 'Round of the current height',
      registers,
    });
    this.heightDuration = new Histogram({
      name: 'xinlian_consensus_commit_latency_seconds',
      help: 'Time from starting a height to its block being stored',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.votesReceived = new Counter({
      name: 'xinlian_consensus_votes_received_total',
      help: 'Votes received from peers, by type',
      labelNames: ['type'],
      registers,
    });
    this.proposalsReceived = new Counter({
      name: 'xinlian_consensus_proposals_received_total',
      help: 'Proposals received from peers',
      registers,
    });
    this.rejected = new Counter({
      name: 'xinlian_consensus_rejected_total',
      help: 'Consensus messages dropped by the core, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.evidence = new Counter({
      name: 'xinlian_consensus_evidence_total',
      help: 'Double-sign evidence observed, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.peersConnected = new Gauge({
      name: 'xinlian_p2p_peers_connected_peers',
      help: 'Authenticated peer links',
      registers,
    });
    this.syncLag = new Gauge({
      name: 'xinlian_sync_lag_blocks',
      help: 'Highest height heard from a validator minus the local committed height',
      registers,
    });
    this.syncedBlocks = new Counter({
      name: 'xinlian_sync_blocks_applied_total',
      help: 'Blocks applied from block sync',
      registers,
    });
    this.walAppend = new Histogram({
      name: 'xinlian_consensus_wal_append_seconds',
      help: 'Durable WAL append (write + fdatasync)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
      registers,
    });
    this.connectionsClosed = new Counter({
      name: 'xinlian_p2p_connections_closed_total',
      help: 'P2P connections closed, by reason (not_member: a key outside the genesis was refused)',
      labelNames: ['reason'],
      registers,
    });
    this.proposalSignatures = new Counter({
      name: 'xinlian_consensus_proposal_signatures_verified_total',
      help: 'Signatures of proposed txs not verified at admission: on the consensus worker before voting (worker) or while validating (main)',
      labelNames: ['where'],
      registers,
    });
    this.txsGossiped = new Counter({
      name: 'xinlian_p2p_txs_gossiped_total',
      help: 'Transactions sent to or received from peers',
      labelNames: ['direction'],
      registers,
    });
  }
}
