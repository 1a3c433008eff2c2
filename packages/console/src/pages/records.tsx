import type { Receipt } from '@xinlian/schemas';
import { useState } from 'react';
import { Link, useParams } from 'wouter';
import type { EvidenceRecordView } from '../api/client.js';
import { useLoad, useNode } from '../app/node-state.js';
import { buildCertificate, saveFile } from '../certificate/download.js';
import { Fields, Hex, PageTitle, Show } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { formatBytes } from '../lib/format.js';

const KINDS = new Set(['evidence', 'copyright', 'license', 'infringement', 'batch']);

export function kindLabel(t: (k: MessageKey) => string, kind: string): string {
  return KINDS.has(kind) ? t(`kind.${kind}` as MessageKey) : kind;
}

/** Certificate (PDF) and receipt (JSON) downloads of a notarized digest. */
export function ReceiptActions({
  algorithm,
  digest,
}: {
  readonly algorithm: 'sm3' | 'sha256';
  readonly digest: string;
}) {
  const { t } = useI18n();
  const { api, report } = useNode();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (what: 'pdf' | 'json') => {
    setBusy(true);
    setError(undefined);
    try {
      const receipt: Receipt = await api.receipt(algorithm, digest);
      if (what === 'json') {
        saveFile(
          `${JSON.stringify(receipt, null, 2)}\n`,
          `${digest.slice(0, 16)}.receipt.json`,
          'application/json',
        );
      } else {
        const pdf = await buildCertificate(receipt, window.location.origin);
        saveFile(pdf, `xinlian-certificate-${digest.slice(0, 16)}.pdf`, 'application/pdf');
      }
    } catch (e) {
      report(e);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions">
      <button type="button" className="primary" disabled={busy} onClick={() => void run('pdf')}>
        {busy ? t('record.certificateBusy') : t('record.certificate')}
      </button>
      <button type="button" disabled={busy} onClick={() => void run('json')}>
        {t('record.receipt')}
      </button>
      <Link href={`/verify?alg=${algorithm}&digest=${digest}`}>{t('record.verify')}</Link>
      {error === undefined ? null : (
        <p className="error" role="alert">
          {t('common.error', { detail: error })}
        </p>
      )}
    </div>
  );
}

export function RecordFields({ r }: { readonly r: EvidenceRecordView }) {
  const { t, time, number } = useI18n();
  return (
    <Fields
      rows={[
        [t('record.kind'), kindLabel(t, r.kind)],
        [t('tx.id'), <Hex key="tx" value={r.txId} to={`/txs/${r.txId}`} />],
        [
          t('tx.block'),
          <Link key="b" href={`/blocks/${r.height}`}>
            #{number(r.height)}
          </Link>,
        ],
        [t('blocks.time'), time(r.time)],
        [t('record.submitter'), <Hex key="s" value={r.submitter} to={`/accounts/${r.submitter}`} />],
        r.fileName !== undefined && [t('record.fileName'), r.fileName],
        typeof r.size === 'number' && r.kind !== 'batch' && [t('record.size'), formatBytes(r.size)],
        r.digests !== undefined && [
          t('record.digests'),
          <ul key="d" className="plain">
            {r.digests.map((d) => (
              <li key={d.algorithm}>
                {d.algorithm.toUpperCase()} <Hex value={d.value} full />
              </li>
            ))}
          </ul>,
        ],
        r.root !== undefined && [
          t('record.batch'),
          <span key="root">
            <Hex value={r.root} /> · {String(r.size ?? '')} · {String(r.algorithm ?? '')}
            {r.label === undefined ? '' : ` · ${r.label}`}
          </span>,
        ],
      ]}
    />
  );
}

export function Record() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const loaded = useLoad((api) => api.evidenceRecord(id.toLowerCase()), [id]);
  return (
    <>
      <PageTitle>{t('record.title')}</PageTitle>
      <Show value={loaded} what={`${t('record.title')} ${id}`}>
        {(r) => (
          <>
            <p>
              <Hex value={r.id} full />
            </p>
            <RecordFields r={r} />
            {r.digests?.[0] === undefined ? null : (
              <ReceiptActions algorithm={r.digests[0].algorithm} digest={r.digests[0].value} />
            )}
          </>
        )}
      </Show>
    </>
  );
}

export function Account() {
  const { t, time, number } = useI18n();
  const { address } = useParams<{ address: string }>();
  const a = address.toLowerCase();
  const loaded = useLoad((api) => api.evidenceList({ submitter: a, limit: 50 }), [a]);
  const { status } = useNode();
  const validator = status?.validators.find((v) => v.address === a);
  return (
    <>
      <PageTitle>{t('account.title')}</PageTitle>
      <Fields
        rows={[
          [t('validator.address'), <Hex key="a" value={a} full />],
          validator !== undefined && [t('validator.name'), `${validator.name} (${t('overview.validators')})`],
        ]}
      />
      <h2>{t('account.records')}</h2>
      <p className="muted small">{t('account.note')}</p>
      <Show value={loaded} what={a}>
        {(list) =>
          list.records.length === 0 ? (
            <p className="muted">{t('account.none')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('record.title')}</th>
                    <th scope="col">{t('record.kind')}</th>
                    <th scope="col">{t('record.fileName')}</th>
                    <th scope="col">{t('tx.block')}</th>
                    <th scope="col">{t('blocks.time')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.records.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Hex value={r.id} to={`/records/${r.id}`} />
                      </td>
                      <td>{kindLabel(t, r.kind)}</td>
                      <td>{r.fileName ?? '—'}</td>
                      <td>
                        <Link href={`/blocks/${r.height}`}>#{number(r.height)}</Link>
                      </td>
                      <td>{time(r.time)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </>
  );
}

export function Members() {
  const { t, number } = useI18n();
  const loaded = useLoad((api) => api.genesis(), []);
  const { status } = useNode();
  return (
    <>
      <PageTitle>{t('members.title')}</PageTitle>
      <p className="muted small">{t('members.note')}</p>
      <Show value={loaded} what={t('members.title')}>
        {(g) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('validator.name')}</th>
                  <th scope="col">{t('validator.address')}</th>
                  <th scope="col">{t('tx.signer')}</th>
                  <th scope="col">{t('validator.power')}</th>
                </tr>
              </thead>
              <tbody>
                {g.validators.map((v) => {
                  const address = status?.validators.find((s) => s.publicKey === v.publicKey)?.address;
                  return (
                    <tr key={v.publicKey}>
                      <td>{v.name}</td>
                      <td>
                        {address === undefined ? '—' : <Hex value={address} to={`/accounts/${address}`} />}
                      </td>
                      <td>
                        <Hex value={v.publicKey} />
                      </td>
                      <td>{number(v.power)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </>
  );
}
