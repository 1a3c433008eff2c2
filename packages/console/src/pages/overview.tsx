import type { StatusResponse } from '@xinlian/schemas';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import { useNode } from '../app/node-state.js';
import { LineChart } from '../components/chart.js';
import { Hex, PageTitle, TableSection } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';
import { histogramTotals, intervalMean, type Point, throughputSeries } from '../lib/metrics.js';

const LATENCY_POLL_MS = 3_000;
const LATENCY_POINTS = 60;
const BLOCK_LATENCY = 'xinlian_block_commit_latency_seconds';

type ValidatorView = NonNullable<StatusResponse['consensus']>['validators'][number];

/**
 * A validator row: the genesis entry (name, key, power, address) and, on a BFT node, how this node
 * sees it (`status.consensus.validators`, same order): the height and round of the last message
 * heard from it, whether it is linked, and ok / behind / silent.
 */
export function validatorRows(status: StatusResponse | undefined) {
  const views = status?.consensus?.validators ?? [];
  return (status?.validators ?? []).map((v, i) => {
    const view: ValidatorView | undefined = views.find((x) => x.index === i) ?? views[i];
    const self = view?.self === true;
    return {
      ...v,
      height: self ? (status?.consensus?.height ?? null) : (view?.lastHeight ?? null),
      round: self ? (status?.consensus?.round ?? null) : (view?.lastRound ?? null),
      state: view?.state ?? ('ok' as const),
      connected: view === undefined ? null : self || view.connected,
      self,
    };
  });
}

/**
 * Mean block commit latency (ms) per poll interval, from the node's Prometheus histogram
 * `xinlian_block_commit_latency_seconds` (every block, empty ones included: on a BFT network the
 * time from starting a height to its durable commit, on a single validator from taking the block's
 * txs to its commit); a node without it falls back to the per-tx `xinlian_commit_latency_seconds`.
 */
function useCommitLatency(): Point[] {
  const { api, reachable } = useNode();
  const [points, setPoints] = useState<Point[]>([]);
  const last = useRef<{ sum: number; count: number } | undefined>(undefined);
  useEffect(() => {
    if (!reachable) return;
    let live = true;
    const poll = async () => {
      try {
        const text = await api.metricsText();
        const totals =
          histogramTotals(text, BLOCK_LATENCY) ?? histogramTotals(text, 'xinlian_commit_latency_seconds');
        if (!live || totals === undefined) return;
        const before = last.current;
        last.current = totals;
        if (before === undefined) return;
        const mean = intervalMean(before, totals);
        if (mean !== undefined) {
          setPoints((p) => [...p, { t: Date.now(), v: mean * 1000 }].slice(-LATENCY_POINTS));
        }
      } catch {
        // The status poll reports an unreachable node; the chart just pauses.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), LATENCY_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, reachable]);
  return points;
}

export function Overview() {
  const { t, time, number } = useI18n();
  const { status, blocks } = useNode();
  const latency = useCommitLatency();
  const throughput = useMemo(() => throughputSeries([...blocks].reverse()), [blocks]);
  const recentTxs = useMemo(
    () => blocks.flatMap((b) => b.txIds.map((id) => ({ id, height: b.height, time: b.time }))).slice(0, 10),
    [blocks],
  );
  const validators = validatorRows(status);
  const latest = blocks[0];
  return (
    <>
      <PageTitle>{t('overview.title')}</PageTitle>
      <section className="cards" aria-label={t('overview.title')}>
        <div className="card">
          <span className="label">{t('overview.height')}</span>
          <strong className="big" data-testid="height">
            {status === undefined ? '—' : number(status.height)}
          </strong>
        </div>
        <div className="card">
          <span className="label">{t('overview.lastBlock')}</span>
          <strong>{status === undefined || status.height === 0 ? '—' : time(status.time)}</strong>
        </div>
        <div className="card">
          <span className="label">{t('overview.validators')}</span>
          <strong>{t('overview.validatorCount', { n: validators.length })}</strong>
        </div>
        <div className="card">
          <span className="label">{t('overview.mempool')}</span>
          <strong>
            {status === undefined
              ? '—'
              : `${number(status.mempool.size)} / ${number(status.mempool.capacity)}`}
          </strong>
        </div>
        <div className="card">
          <span className="label">{t('overview.chainId')}</span>
          <strong>{status?.chainId ?? '—'}</strong>
        </div>
        <div className="card">
          <span className="label">{t('overview.suite')}</span>
          <strong>
            {status === undefined
              ? '—'
              : t(status.suite === 'gm' ? 'overview.suite.gm' : 'overview.suite.intl')}
          </strong>
        </div>
      </section>

      <section className="charts">
        <LineChart
          title={t('overview.throughput')}
          points={throughput}
          unit="tx/s"
          digits={1}
          empty={t('overview.chartEmpty')}
        />
        <LineChart
          title={t('overview.latency')}
          points={latency}
          unit="ms"
          empty={t('overview.latencyEmpty')}
          color="#1d5fa8"
        />
      </section>

      <TableSection
        id="validators-h"
        title={t('overview.validators')}
        columns={[
          t('validator.name'),
          t('validator.address'),
          t('validator.power'),
          t('validator.height'),
          t('validator.round'),
          t('validator.status'),
        ]}
      >
        {validators.map((v) => {
          const state = v.state;
          const isProposer = latest !== undefined && latest.proposer === v.publicKey;
          return (
            <tr key={v.publicKey} data-testid="validator-row" data-state={state}>
              <td>
                {v.name}
                {v.organization === undefined ? null : (
                  <span className="muted small"> · {v.organization}</span>
                )}
                {v.self ? <span className="tag">{t('validator.self')}</span> : null}
                {isProposer ? <span className="tag">{t('validator.proposer')}</span> : null}
              </td>
              <td>
                <Hex value={v.address} to={`/accounts/${v.address}`} />
              </td>
              <td>{number(v.power)}</td>
              <td data-testid="validator-height">
                {v.height ?? (status?.consensus === undefined ? status?.height : undefined) ?? '—'}
              </td>
              <td>
                {v.round ?? (status?.consensus === undefined ? latest?.certificate.round : undefined) ?? '—'}
              </td>
              <td>
                <span className={`badge ${state}`}>{t(`validator.${state}`)}</span>
                {v.connected === false ? (
                  <span className="muted small"> · {t('validator.disconnected')}</span>
                ) : null}
              </td>
            </tr>
          );
        })}
      </TableSection>

      <div className="two-col">
        <section aria-labelledby="recent-blocks-h">
          <h2 id="recent-blocks-h">
            {t('overview.recentBlocks')} <Link href="/blocks">→</Link>
          </h2>
          <ul className="list" data-testid="recent-blocks">
            {blocks.slice(0, 10).map((b) => (
              <li key={b.height}>
                <Link href={`/blocks/${b.height}`}>#{number(b.height)}</Link>
                <span className="muted">{time(b.time)}</span>
                <span>{b.txCount} tx</span>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="recent-txs-h">
          <h2 id="recent-txs-h">{t('overview.recentTxs')}</h2>
          {recentTxs.length === 0 ? (
            <p className="muted">{t('overview.noTxs')}</p>
          ) : (
            <ul className="list">
              {recentTxs.map((x) => (
                <li key={x.id}>
                  <Hex value={x.id} to={`/txs/${x.id}`} />
                  <Link href={`/blocks/${x.height}`}>#{number(x.height)}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {status === undefined ? null : (
        <p className="muted small">
          {t('overview.genesisHash')}: <Hex value={status.genesisHash} full /> · {t('overview.version')}{' '}
          {status.nodeVersion}
        </p>
      )}
    </>
  );
}
