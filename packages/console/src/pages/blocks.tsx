import type { BlockView } from '@xinlian/schemas';
import { Link, useParams, useSearch } from 'wouter';
import { useLoad, useNode } from '../app/node-state.js';
import { Fields, Hex, PageTitle, Show } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';

const PAGE = 20;

export function Blocks() {
  const { t, time, number } = useI18n();
  const search = useSearch();
  const before = Number(new URLSearchParams(search).get('before') ?? '') || undefined;
  const { blocks: live } = useNode();
  const loaded = useLoad(
    (api) => api.blocks(before === undefined ? { limit: PAGE } : { before, limit: PAGE }),
    [before],
  );
  // On the first page, blocks arriving on the stream are shown at once.
  const merge = (list: BlockView[]) => {
    if (before !== undefined) return list;
    const top = list[0]?.height ?? 0;
    return [...live.filter((b) => b.height > top), ...list].slice(0, PAGE);
  };
  return (
    <>
      <PageTitle>{t('blocks.title')}</PageTitle>
      <Show value={loaded} what={t('blocks.title')}>
        {(data) => {
          const list = merge(data);
          const oldest = list.at(-1)?.height;
          return (
            <>
              <div className="table-wrap">
                <table data-testid="blocks-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('blocks.height')}</th>
                      <th scope="col">{t('blocks.hash')}</th>
                      <th scope="col">{t('blocks.time')}</th>
                      <th scope="col">{t('blocks.txs')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((b) => (
                      <tr key={b.height}>
                        <td>
                          <Link href={`/blocks/${b.height}`}>#{number(b.height)}</Link>
                        </td>
                        <td>
                          <Hex value={b.id} />
                        </td>
                        <td>{time(b.time)}</td>
                        <td>{b.txCount}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav className="pager" aria-label={t('blocks.title')}>
                {before === undefined ? null : <Link href="/blocks">{t('common.latest')}</Link>}
                {oldest !== undefined && oldest > 1 ? (
                  <Link href={`/blocks?before=${oldest}`}>{t('common.older')} →</Link>
                ) : null}
              </nav>
            </>
          );
        }}
      </Show>
    </>
  );
}

export function Block() {
  const { t, time, number } = useI18n();
  const { id } = useParams<{ id: string }>();
  const loaded = useLoad((api) => api.block(/^[0-9]+$/.test(id) ? Number(id) : id), [id]);
  const { status } = useNode();
  return (
    <Show value={loaded} what={`${t('tx.block')} ${id}`}>
      {(b) => (
        <>
          <PageTitle>{t('block.title', { height: number(b.height) })}</PageTitle>
          <nav className="pager" aria-label={t('blocks.title')}>
            {b.height > 1 ? <Link href={`/blocks/${b.height - 1}`}>← {t('block.prev')}</Link> : null}
            {status !== undefined && b.height < status.height ? (
              <Link href={`/blocks/${b.height + 1}`}>{t('block.next')} →</Link>
            ) : null}
          </nav>
          <Fields
            rows={[
              [t('blocks.hash'), <Hex key="id" value={b.id} full />],
              [t('blocks.time'), time(b.time)],
              [
                t('block.parent'),
                b.height > 1 ? (
                  <Hex key="p" value={b.parentId} to={`/blocks/${b.height - 1}`} />
                ) : (
                  <Hex key="p" value={b.parentId} />
                ),
              ],
              [t('blocks.proposer'), <Hex key="pr" value={b.proposer} />],
              [t('block.txRoot'), <Hex key="tr" value={b.txRoot} />],
              [t('block.receiptRoot'), <Hex key="rr" value={b.receiptRoot} />],
              [t('block.appHash'), <Hex key="ah" value={b.appHash} />],
              [t('block.validatorSetHash'), <Hex key="vs" value={b.validatorSetHash} />],
              [
                t('block.certificate'),
                `${t('block.round')} ${b.certificate.round} · ${t('block.signatures', { n: b.certificate.signatures.length })}`,
              ],
            ]}
          />
          <h2>
            {t('block.transactions')} ({b.txCount})
          </h2>
          {b.txIds.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <ol className="list" data-testid="block-txs">
              {b.txIds.map((x) => (
                <li key={x}>
                  <Hex value={x} to={`/txs/${x}`} />
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </Show>
  );
}
