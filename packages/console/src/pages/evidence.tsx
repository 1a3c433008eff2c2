import { isXinlianError } from '@xinlian/utils';
import { useEffect, useId, useRef, useState } from 'react';
import { type DigestAlgorithm, type EvidenceLookup, isNotFound } from '../api/client.js';
import { useNode } from '../app/node-state.js';
import { saveFile } from '../certificate/download.js';
import { Hex, PageTitle } from '../components/common.js';
import { TX_DROPPED, TX_PENDING } from '../evidence/backends.js';
import { useEvidence, useSignerKey } from '../evidence/context.js';
import type { Notarized } from '../evidence/ports.js';
import { useI18n } from '../i18n/i18n.js';
import { formatBytes } from '../lib/format.js';
import { ReceiptActions, RecordFields } from './records.js';

/**
 * A file chooser that is also a drop target: the (transparent) file input covers the whole zone,
 * so a dropped file lands on it natively, and keyboard users reach it as a normal file input.
 */
export function DropZone({
  label,
  hint,
  onFile,
  accept,
  testId,
  onFiles,
}: {
  readonly label: string;
  readonly hint: string;
  readonly onFile: (f: File) => void;
  readonly accept?: string;
  readonly testId?: string;
  /** Several files at once: onFiles gets them all (onFile is then not called). */
  readonly onFiles?: (f: readonly File[]) => void;
}) {
  const id = useId();
  const [over, setOver] = useState(false);
  return (
    <div className={`dropzone${over ? ' over' : ''}`}>
      <label htmlFor={id}>
        <span className="drop-label">{label}</span>
        <span className="muted">{hint}</span>
      </label>
      <input
        id={id}
        type="file"
        data-testid={testId}
        multiple={onFiles !== undefined}
        {...(accept === undefined ? {} : { accept })}
        onDragEnter={() => setOver(true)}
        onDragLeave={() => setOver(false)}
        onDrop={() => setOver(false)}
        onChange={(e) => {
          const list = [...(e.currentTarget.files ?? [])];
          if (onFiles !== undefined) {
            if (list.length > 0) onFiles(list);
          } else if (list[0] !== undefined) onFile(list[0]);
        }}
      />
    </div>
  );
}

/** Text of an error for the user: the node's (or the worker's) stable code and its message. */
export function errorText(e: unknown): string {
  if (isXinlianError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** The account key the console signs with: imported from a key file, or new; held by the crypto worker. */
function SignerPanel() {
  const { t } = useI18n();
  const { status } = useNode();
  const { signer } = useEvidence();
  const { key, setKey } = useSignerKey();
  const [keyFile, setKeyFile] = useState<File | undefined>(undefined);
  const [pass, setPass] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const passId = useId();
  const fileId = useId();
  if (signer === undefined) return null;
  const act = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(
        isXinlianError(e) && e.code === 'CRYPTO_BAD_PASSPHRASE' ? t('signer.badPassphrase') : errorText(e),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="signer-h" className="panel signer-form">
      <h2 id="signer-h">{t('signer.title')}</h2>
      {key !== undefined ? (
        <>
          <p>
            {t('signer.address')} <Hex value={key.address} to={`/accounts/${key.address}`} full />{' '}
            <span data-testid="signer-address" hidden>
              {key.address}
            </span>
          </p>
          <p className="muted small">{t('signer.memoryOnly')}</p>
          <div className="actions">
            <label htmlFor={passId}>{t('signer.passphrase')}</label>
            <input
              id={passId}
              type="password"
              autoComplete="new-password"
              value={pass}
              onChange={(e) => setPass(e.currentTarget.value)}
            />
            <button
              type="button"
              disabled={busy || pass.length < 8}
              onClick={() =>
                void act(async () => {
                  saveFile(
                    await signer.exportKey(pass),
                    `${key.address.slice(0, 12)}.key`,
                    'application/json',
                  );
                })
              }
            >
              {t('signer.save')}
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void act(async () => {
                  await signer.forget();
                  setKey(undefined);
                })
              }
            >
              {t('signer.forget')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="muted small">{t('signer.intro')}</p>
          <form
            className="actions"
            onSubmit={(e) => {
              e.preventDefault();
              const f = keyFile;
              if (f === undefined) return;
              void act(async () => {
                setKey(await signer.unlock(await f.text(), pass));
                setPass('');
              });
            }}
          >
            <label htmlFor={fileId}>{t('signer.keyFile')}</label>
            <input
              id={fileId}
              type="file"
              data-testid="key-file"
              onChange={(e) => setKeyFile(e.currentTarget.files?.[0])}
            />
            <label htmlFor={passId}>{t('signer.passphrase')}</label>
            <input
              id={passId}
              type="password"
              autoComplete="current-password"
              value={pass}
              onChange={(e) => setPass(e.currentTarget.value)}
            />
            <button type="submit" className="primary" disabled={busy || keyFile === undefined}>
              {busy ? t('signer.unlocking') : t('signer.unlock')}
            </button>
            <button
              type="button"
              disabled={busy || status === undefined}
              onClick={() =>
                void act(async () => {
                  setKey(await signer.create(status?.suite === 'intl' ? 'intl' : 'gm'));
                })
              }
            >
              {t('signer.create')}
            </button>
          </form>
        </>
      )}
      {error === undefined ? null : (
        <p className="error" role="alert" data-testid="signer-error">
          {error}
        </p>
      )}
    </section>
  );
}

interface Item {
  /** Stable React key. */
  readonly id: string;
  readonly file: File;
  readonly pct: number;
  readonly digest?: string;
  /** undefined while it is looked up. */
  readonly lookup?: EvidenceLookup;
}

const recordOf = (l: EvidenceLookup | undefined): string | undefined =>
  l?.record?.id ?? l?.batch?.recordId ?? undefined;

export function Evidence() {
  const { t, time } = useI18n();
  const { api, status, report, blocks } = useNode();
  const { hasher, signer } = useEvidence();
  const { key } = useSignerKey();
  const [items, setItems] = useState<readonly Item[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState<(Notarized & { readonly files: number }) | undefined>(undefined);
  /** A tx the node accepted but did not commit within the wait (checked again later). */
  const [waiting, setWaiting] = useState<
    | { readonly txId: string; readonly files: number; readonly checkedAt: number; readonly dropped: boolean }
    | undefined
  >(undefined);
  const [checking, setChecking] = useState(false);
  const abort = useRef<AbortController | undefined>(undefined);
  const algorithm: DigestAlgorithm = status?.suite === 'intl' ? 'sha256' : 'sm3';
  const algName = algorithm === 'sm3' ? 'SM3' : 'SHA-256';
  const canHash = hasher.supports(algorithm);

  const update = (i: number, patch: Partial<Item>) =>
    setItems((list) => list.map((it, j) => (j === i ? { ...it, ...patch } : it)));

  const lookupAll = async (list: readonly { readonly digest: string }[], signal: AbortSignal) => {
    for (const [i, it] of list.entries()) {
      const lookup = await api.evidenceByDigest(algorithm, it.digest);
      if (!signal.aborted) update(i, { lookup });
    }
  };

  const onFiles = async (files: readonly File[]) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setError(undefined);
    setDone(undefined);
    setWaiting(undefined);
    setItems(files.map((file, n) => ({ id: `${n}:${file.name}:${file.size}`, file, pct: 0 })));
    try {
      const digests: { digest: string }[] = [];
      for (const [i, file] of files.entries()) {
        const digest = await hasher.hash(file, algorithm, {
          signal: ctl.signal,
          onProgress: (p) => update(i, { pct: p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100) }),
        });
        if (ctl.signal.aborted) return;
        update(i, { pct: 100, digest });
        digests.push({ digest });
      }
      await lookupAll(digests, ctl.signal);
    } catch (e) {
      report(e);
      if (!ctl.signal.aborted) setError(errorText(e));
    }
  };

  const pending = items.filter(
    (it) => it.digest !== undefined && it.lookup !== undefined && recordOf(it.lookup) === undefined,
  );
  const allKnown = items.length > 0 && items.every((it) => it.lookup !== undefined);
  const notarize = async () => {
    if (signer === undefined || pending.length === 0) return;
    const ctl = abort.current ?? new AbortController();
    setSubmitting(true);
    setError(undefined);
    setWaiting(undefined);
    try {
      const res = await signer.notarize(
        pending.map((it) => ({
          digest: it.digest ?? '',
          fileName: it.file.name,
          size: it.file.size,
          ...(it.file.type === '' ? {} : { mediaType: it.file.type }),
        })),
        algorithm,
        { batch: pending.length > 1 },
      );
      setDone({ ...res, files: pending.length });
      await lookupAll(
        items.map((it) => ({ digest: it.digest ?? '' })),
        ctl.signal,
      );
    } catch (e) {
      if (
        isXinlianError(e) &&
        (e.code === TX_PENDING || e.code === TX_DROPPED) &&
        typeof e.details.txId === 'string'
      ) {
        // Accepted, not committed within the wait (or no longer known): not a refusal, not unreachable.
        setWaiting({
          txId: e.details.txId,
          files: pending.length,
          checkedAt: Date.now(),
          dropped: e.code === TX_DROPPED,
        });
      } else {
        report(e);
        setError(t('evidence.rejected', { detail: errorText(e) }));
      }
    } finally {
      setSubmitting(false);
    }
  };

  /** Looks the pending tx up again: committed → shown as notarized; gone → says so. */
  const checkPending = async () => {
    const p = waiting;
    if (p === undefined) return;
    setChecking(true);
    try {
      const tx = await api.tx(p.txId);
      if (tx.status === 'committed' && tx.height !== undefined && tx.result !== undefined) {
        setWaiting(undefined);
        if (tx.result.status !== 'ok') {
          setError(t('evidence.rejected', { detail: `${tx.result.code}: ${tx.result.message}` }));
          return;
        }
        const r = tx.result.result as { recordId?: unknown } | null;
        setDone({
          txId: p.txId,
          height: tx.height,
          recordId: typeof r?.recordId === 'string' ? r.recordId : p.txId,
          files: p.files,
        });
        await lookupAll(
          items.map((it) => ({ digest: it.digest ?? '' })),
          (abort.current ?? new AbortController()).signal,
        );
      } else {
        setWaiting({ ...p, checkedAt: Date.now(), dropped: false });
      }
    } catch (e) {
      if (isNotFound(e)) setWaiting({ ...p, checkedAt: Date.now(), dropped: true });
      else report(e);
    } finally {
      setChecking(false);
    }
  };
  const checkRef = useRef(checkPending);
  checkRef.current = checkPending;
  // A new block may have committed it: check again by itself (the button does it on demand).
  const head = blocks[0]?.height;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a new block arrives while a tx is pending.
  useEffect(() => {
    if (waiting !== undefined && !waiting.dropped && head !== undefined) void checkRef.current();
  }, [head]);

  return (
    <>
      <PageTitle>{t('evidence.title')}</PageTitle>
      <p>{t('evidence.intro')}</p>
      {canHash ? (
        <DropZone
          label={t('evidence.drop')}
          hint={algName}
          onFile={(f) => void onFiles([f])}
          onFiles={(f) => void onFiles(f)}
          testId="evidence-file"
        />
      ) : (
        <p className="notice" role="note">
          {t('evidence.hasherUnavailable', { alg: algName })}
        </p>
      )}
      {items.map((it) => (
        <section key={it.id} aria-label={it.file.name} className="panel" data-testid="evidence-item">
          <p>
            {it.file.name} · {formatBytes(it.file.size)}
          </p>
          {it.digest === undefined ? (
            <div className="progress">
              <label>
                {t('evidence.hashing', { pct: it.pct })}
                <progress max={100} value={it.pct} />
              </label>
            </div>
          ) : (
            <>
              <p data-testid="file-digest">
                {algName} <Hex value={it.digest} full />
              </p>
              {it.lookup === undefined ? (
                <p className="muted">{t('common.loading')}</p>
              ) : recordOf(it.lookup) !== undefined ? (
                <>
                  <p className="ok-text" role="status">
                    ✓ {t('evidence.found')}
                  </p>
                  {it.lookup.record === null ? null : <RecordFields r={it.lookup.record} />}
                  <ReceiptActions algorithm={algorithm} digest={it.digest} />
                </>
              ) : (
                <p role="status">{t('evidence.notFound')}</p>
              )}
            </>
          )}
        </section>
      ))}
      {done === undefined ? null : (
        <p className="ok-text" role="status" data-testid="notarized">
          ✓ {t('evidence.notarized', { files: done.files, height: done.height })}{' '}
          <Hex value={done.txId} to={`/txs/${done.txId}`} />
        </p>
      )}
      {waiting === undefined ? null : (
        <section
          className="panel notice"
          role="status"
          data-testid="evidence-pending"
          aria-label={t('tx.pending')}
        >
          <p>{waiting.dropped ? t('evidence.pendingDropped') : t('evidence.pending')}</p>
          <p>
            {t('evidence.pendingTx')} <Hex value={waiting.txId} to={`/txs/${waiting.txId}`} full />
          </p>
          <div className="actions">
            <button type="button" disabled={checking} onClick={() => void checkPending()}>
              {checking ? t('evidence.pendingChecking') : t('evidence.pendingCheck')}
            </button>
            {waiting.dropped ? null : (
              <span className="muted small" data-testid="evidence-pending-checked">
                {t('evidence.pendingStill', { time: time(waiting.checkedAt) })}
              </span>
            )}
          </div>
        </section>
      )}
      {error === undefined ? null : (
        <p className="error" role="alert" data-testid="evidence-error">
          {error}
        </p>
      )}
      {allKnown && pending.length > 0 && (waiting === undefined || waiting.dropped) ? (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={signer === undefined || key === undefined || submitting}
            onClick={() => void notarize()}
          >
            {submitting
              ? t('evidence.submitting')
              : pending.length > 1
                ? t('evidence.submitBatch', { n: pending.length })
                : t('evidence.submit')}
          </button>
          {key === undefined ? <p className="muted small">{t('evidence.needKey')}</p> : null}
        </div>
      ) : null}
      <SignerPanel />
    </>
  );
}
