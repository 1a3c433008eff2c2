import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { useLoad, useNode } from '../app/node-state.js';
import { Fields, Hex, PageTitle, Show } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';

export function Tx() {
  const { t, number } = useI18n();
  const { id } = useParams<{ id: string }>();
  const { blocks } = useNode();
  // A pending tx is looked up again on every new block until it is committed.
  const [watch, setWatch] = useState(true);
  const loaded = useLoad((api) => api.tx(id.toLowerCase()), [id, watch ? blocks[0]?.height : -1]);
  const committed = loaded.state === 'ok' && loaded.data.status === 'committed';
  useEffect(() => setWatch(!committed), [committed]);
  return (
    <>
      <PageTitle>{t('tx.title')}</PageTitle>
      <Show value={loaded} what={`${t('tx.title')} ${id}`}>
        {(x) => {
          const recordId =
            x.tx.module === 'evidence' && x.result?.status === 'ok'
              ? ((x.result.result as { recordId?: string } | null)?.recordId ?? undefined)
              : undefined;
          return (
            <>
              <Fields
                rows={[
                  [t('tx.id'), <Hex key="id" value={x.txId} full />],
                  [
                    t('tx.status'),
                    <span key="s" className={`badge ${x.status === 'committed' ? 'ok' : 'behind'}`}>
                      {t(x.status === 'committed' ? 'tx.committed' : 'tx.pending')}
                    </span>,
                  ],
                  x.height !== undefined && [
                    t('tx.block'),
                    <Link key="b" href={`/blocks/${x.height}`}>
                      #{number(x.height)}
                    </Link>,
                  ],
                  x.index !== undefined && [t('tx.index'), String(x.index)],
                  [t('tx.module'), `${x.tx.module}.${x.tx.method}`],
                  [
                    t('tx.signerAddress'),
                    <Hex key="a" value={x.tx.signerAddress} to={`/accounts/${x.tx.signerAddress}`} />,
                  ],
                  [t('tx.signer'), <Hex key="k" value={x.tx.signer} />],
                  [t('tx.nonce'), String(x.tx.nonce)],
                  [t('tx.expiry'), String(x.tx.expiryHeight)],
                  [t('tx.signature'), <Hex key="sig" value={x.tx.signature} />],
                  x.result !== undefined && [
                    t('tx.result'),
                    <span key="r" className={`badge ${x.result.status === 'ok' ? 'ok' : 'silent'}`}>
                      {t(x.result.status === 'ok' ? 'tx.ok' : 'tx.failed')}
                      {x.result.status === 'ok' ? '' : ` ${x.result.code}: ${x.result.message}`}
                    </span>,
                  ],
                  recordId !== undefined && [
                    t('record.title'),
                    <Hex key="rec" value={recordId} to={`/records/${recordId}`} />,
                  ],
                ]}
              />
              <h2>{t('tx.args')}</h2>
              <pre className="json">{JSON.stringify(x.tx.args, null, 2)}</pre>
              {x.result !== undefined && x.result.events.length > 0 ? (
                <>
                  <h2>{t('tx.events')}</h2>
                  <pre className="json">{JSON.stringify(x.result.events, null, 2)}</pre>
                </>
              ) : null}
            </>
          );
        }}
      </Show>
    </>
  );
}
