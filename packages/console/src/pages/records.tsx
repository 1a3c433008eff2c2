import type { AccountTx, Receipt } from '@xinlian/schemas';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'wouter';
import type { EvidenceRecordView } from '../api/client.js';
import { useLoad, useNode } from '../app/node-state.js';
import { buildCertificate, saveFile } from '../certificate/download.js';
import { Fields, Hex, LoadError, Loading, PageTitle, Show, TableSection } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { formatBytes } from '../lib/format.js';
import { currentValidators, memberState } from '../lib/governance.js';

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

/** The account's committed txs, newest first, a page at a time ("load more" appends the next page). */
function AccountTxs({ address }: { readonly address: string }) {
  const { t, time, number } = useI18n();
  const { api, epoch, report } = useNode();
  const [txs, setTxs] = useState<readonly AccountTx[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [state, setState] = useState<'loading' | 'ok' | 'error'>('loading');
  const [error, setError] = useState<unknown>(undefined);
  const live = useRef(0);
  const load = useCallback(
    async (cursor: string | undefined) => {
      const run = ++live.current;
      setState('loading');
      try {
        const page = await api.accountTxs(address, {
          limit: ACCOUNT_PAGE,
          ...(cursor === undefined ? {} : { cursor }),
        });
        if (run !== live.current) return;
        setTxs((old) => (cursor === undefined ? page.txs : [...old, ...page.txs]));
        setNext(page.nextCursor);
        setState('ok');
      } catch (e) {
        if (run !== live.current) return;
        report(e);
        setError(e);
        setState('error');
      }
    },
    [api, address, report],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload from the first page when the node is back (epoch).
  useEffect(() => {
    setTxs([]);
    setNext(undefined);
    void load(undefined);
  }, [load, epoch]);
  return (
    <section aria-labelledby="account-txs-h">
      <h2 id="account-txs-h">{t('account.txs')}</h2>
      <p className="muted small">{t('account.note')}</p>
      {state === 'error' ? <LoadError error={error} what={address} /> : null}
      {state !== 'loading' && state !== 'error' && txs.length === 0 ? (
        <p className="muted">{t('account.txsNone')}</p>
      ) : null}
      {txs.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="account-txs">
            <thead>
              <tr>
                <th scope="col">{t('tx.id')}</th>
                <th scope="col">{t('tx.block')}</th>
                <th scope="col">{t('blocks.time')}</th>
                <th scope="col">{t('tx.module')}</th>
                <th scope="col">{t('tx.result')}</th>
              </tr>
            </thead>
            <tbody>
              {txs.map((x) => (
                <tr key={x.txId}>
                  <td>
                    <Hex value={x.txId} to={`/txs/${x.txId}`} />
                  </td>
                  <td>
                    <Link href={`/blocks/${x.height}`}>#{number(x.height)}</Link>
                  </td>
                  <td>{time(x.time)}</td>
                  <td>
                    <code>
                      {x.module}.{x.method}
                    </code>
                  </td>
                  <td>
                    <span className={`badge ${x.status === 'ok' ? 'ok' : 'silent'}`}>
                      {t(x.status === 'ok' ? 'tx.ok' : 'tx.failed')}
                      {x.status === 'ok' ? '' : ` ${x.code}`}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="actions">
        {txs.length > 0 ? (
          <span className="muted small" data-testid="account-txs-shown">
            {t('account.shown', { n: txs.length })}
          </span>
        ) : null}
        {state === 'loading' ? <Loading /> : null}
        {next !== undefined && state === 'ok' ? (
          <button type="button" onClick={() => void load(next)} data-testid="account-more">
            {t('account.more')}
          </button>
        ) : null}
      </div>
    </section>
  );
}

const ACCOUNT_PAGE = 20;

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
      <AccountTxs address={a} />
      <h2>{t('account.records')}</h2>
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

const ROLES = new Set(['admin', 'client', 'validator', 'observer', 'regulator', 'auditor']);

function roleLabel(t: (k: MessageKey) => string, role: string): string {
  return ROLES.has(role) ? t(`role.${role}` as MessageKey) : role;
}

export function Members() {
  const { t, number, time } = useI18n();
  const { status } = useNode();
  const loaded = useLoad((api) => api.governance(), []);
  return (
    <>
      <PageTitle>{t('members.title')}</PageTitle>
      <p className="muted small">{t('members.note')}</p>
      <Show value={loaded} what={t('members.title')}>
        {(g) => {
          // A validator without an organization belongs to the first one (the node's governance wiring: `dev`).
          const validators = (currentValidators(g, status?.height ?? 0) ?? status?.validators ?? []).map(
            (v) => ({
              ...v,
              organization: v.organization ?? g.organizations[0]?.id,
            }),
          );
          const addressOf = (publicKey: string) =>
            status?.validators.find((v) => v.publicKey === publicKey)?.address ??
            g.members.find((m) => m.publicKey === publicKey)?.address;
          const now = Date.now();
          const f = g.status.filing;
          return (
            <>
              <Fields
                rows={[
                  [t('members.mode'), t(g.status.permissioned ? 'members.permissioned' : 'members.open')],
                  [
                    t('members.filing'),
                    f === null
                      ? t('members.noFiling')
                      : `${f.serviceName} · ${f.operator} · ${f.filingNumber}`,
                  ],
                ]}
              />
              <TableSection
                id="orgs-h"
                title={t('members.orgs')}
                testId="orgs"
                columns={[
                  t('members.orgName'),
                  t('members.orgId'),
                  t('members.ca'),
                  t('members.memberCount'),
                  t('members.validatorCount'),
                ]}
              >
                {g.organizations.map((o) => (
                  <tr key={o.id} data-testid="org-row">
                    <td>{o.name}</td>
                    <td>
                      <code>{o.id}</code>
                    </td>
                    <td>
                      {o.caSerial === null ? (
                        <span className="muted">{t('members.caNone')}</span>
                      ) : (
                        <>
                          <code>{o.caSerial}</code>
                          {g.revocations.some((r) => r.org === o.id && r.serial === o.caSerial) ? (
                            <span className="badge silent">{t('members.revoked')}</span>
                          ) : null}
                        </>
                      )}
                    </td>
                    <td>{number(g.members.filter((m) => m.org === o.id).length)}</td>
                    <td>{number(validators.filter((v) => v.organization === o.id).length)}</td>
                  </tr>
                ))}
              </TableSection>
              <TableSection
                id="members-h"
                title={t('members.members')}
                testId="members"
                columns={[
                  t('validator.name'),
                  t('members.org'),
                  t('members.role'),
                  t('validator.address'),
                  t('members.credential'),
                  t('members.status'),
                ]}
              >
                {g.members.map((m) => {
                  const state = memberState(m, g.revocations, now);
                  return (
                    <tr key={m.address} data-testid="member-row" data-state={state}>
                      <td>{m.name}</td>
                      <td>
                        <code>{m.org}</code>
                      </td>
                      <td>{roleLabel(t, m.role)}</td>
                      <td>
                        <Hex value={m.address} to={`/accounts/${m.address}`} />
                      </td>
                      <td>
                        {m.serial === null
                          ? t('members.registeredKey')
                          : t('members.certificate', { serial: m.serial })}
                        {m.notAfter === null ? null : (
                          <span className="muted small">
                            {' '}
                            · {t('members.validUntil', { date: time(m.notAfter) })}
                          </span>
                        )}
                      </td>
                      <td>
                        <span className={`badge ${state === 'active' ? 'ok' : 'silent'}`}>
                          {t(`members.${state}`)}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </TableSection>
              <TableSection
                id="vals-h"
                title={t('members.validators')}
                testId="validators"
                columns={[
                  t('validator.name'),
                  t('members.org'),
                  t('validator.address'),
                  t('tx.signer'),
                  t('validator.power'),
                ]}
              >
                {validators.map((v) => {
                  const address = addressOf(v.publicKey);
                  return (
                    <tr key={v.publicKey} data-testid="validator-entry">
                      <td>{v.name}</td>
                      <td>{v.organization === undefined ? '—' : <code>{v.organization}</code>}</td>
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
              </TableSection>
              <TableSection
                id="revs-h"
                title={t('members.revocations')}
                testId="revocations"
                columns={[t('members.org'), t('members.serial'), t('members.reason'), t('tx.block')]}
                empty={g.revocations.length === 0 ? t('members.none') : undefined}
              >
                {g.revocations.map((r) => (
                  <tr key={`${r.org}/${r.serial}`}>
                    <td>
                      <code>{r.org}</code>
                    </td>
                    <td>
                      <code>{r.serial}</code>
                    </td>
                    <td>{r.reason}</td>
                    <td>
                      <Link href={`/blocks/${r.height}`}>#{number(r.height)}</Link>
                    </td>
                  </tr>
                ))}
              </TableSection>
            </>
          );
        }}
      </Show>
    </>
  );
}
