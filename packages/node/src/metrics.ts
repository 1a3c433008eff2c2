import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one node, in its own registry (never prom-client's global default). */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly blockHeight: Gauge;
  readonly blocksCommitted: Counter;
  readonly txsCommitted: Counter;
  readonly txRejected: Counter<'code'>;
  readonly mempoolSize: Gauge;
  readonly mempoolBytes: Gauge;
  readonly commitLatency: Histogram;
  readonly blockCommitLatency: Histogram;
  readonly blockExecution: Histogram;
  readonly storeCommit: Histogram;
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly digestIndexMerges: Counter;
  readonly digestIndexMergeSeconds: Histogram;

  constructor() {
    const registers = [this.registry];
    this.blockHeight = new Gauge({
      name: 'xinlian_block_height',
      help: 'Height of the last committed block',
      registers,
    });
    this.blocksCommitted = new Counter({
      name: 'xinlian_blocks_committed_total',
      help: 'Blocks committed by this node',
      registers,
    });
    this.txsCommitted = new Counter({
      name: 'xinlian_txs_committed_total',
      help: 'Transactions committed (ok or failed)',
      registers,
    });
    this.txRejected = new Counter({
      name: 'xinlian_tx_rejected_total',
      help: 'Transactions rejected at admission, by error code',
      labelNames: ['code'],
      registers,
    });
    this.mempoolSize = new Gauge({
      name: 'xinlian_mempool_size',
      help: 'Transactions in the mempool',
      registers,
    });
    this.mempoolBytes = new Gauge({
      name: 'xinlian_mempool_bytes',
      help: 'Bytes held by the mempool',
      registers,
    });
    this.commitLatency = new Histogram({
      name: 'xinlian_commit_latency_seconds',
      help: 'Time from mempool admission to durable commit',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.blockCommitLatency = new Histogram({
      name: 'xinlian_block_commit_latency_seconds',
      help: 'Time from starting a block (solo: taking its txs; BFT: starting its height) to its durable commit',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.blockExecution = new Histogram({
      name: 'xinlian_block_execution_seconds',
      help: 'Time to execute a block',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.storeCommit = new Histogram({
      name: 'xinlian_store_commit_seconds',
      help: 'Time for the store to commit a block durably',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'xinlian_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers,
    });
    this.digestIndexMerges = new Counter({
      name: 'xinlian_digest_index_merges_total',
      help: 'Merge steps of the batch digest index (FAN_IN runs into one, spec/batch-index.md)',
      registers,
    });
    this.digestIndexMergeSeconds = new Histogram({
      name: 'xinlian_digest_index_merge_seconds',
      help: 'Time of one digest-index merge step (read, sort on the worker, durable commit)',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }
}
