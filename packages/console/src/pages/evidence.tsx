import { useId, useRef, useState } from 'react';
import type { DigestAlgorithm, EvidenceLookup } from '../api/client.js';
import { useNode } from '../app/node-state.js';
import { Hex, PageTitle } from '../components/common.js';
import { useEvidence } from '../evidence/context.js';
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
}: {
  readonly label: string;
  readonly hint: string;
  readonly onFile: (f: File) => void;
  readonly accept?: string;
  readonly testId?: string;
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
        {...(accept === undefined ? {} : { accept })}
        onDragEnter={() => setOver(true)}
        onDragLeave={() => setOver(false)}
        onDrop={() => setOver(false)}
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f !== undefined) onFile(f);
        }}
      />
    </div>
  );
}

type Step =
  | { readonly s: 'idle' }
  | { readonly s: 'hashing'; readonly file: File; readonly pct: number }
  | {
      readonly s: 'hashed';
      readonly file: File;
      readonly digest: string;
      readonly lookup: EvidenceLookup | undefined;
    }
  | { readonly s: 'error'; readonly message: string };

export function Evidence() {
  const { t } = useI18n();
  const { api, status, report } = useNode();
  const { hasher, submitter } = useEvidence();
  const [step, setStep] = useState<Step>({ s: 'idle' });
  const abort = useRef<AbortController | undefined>(undefined);
  const algorithm: DigestAlgorithm = status?.suite === 'intl' ? 'sha256' : 'sm3';
  const algName = algorithm === 'sm3' ? 'SM3' : 'SHA-256';
  const canHash = hasher.supports(algorithm);

  const onFile = async (file: File) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setStep({ s: 'hashing', file, pct: 0 });
    try {
      const digest = await hasher.hash(file, algorithm, {
        signal: ctl.signal,
        onProgress: (p) =>
          setStep({ s: 'hashing', file, pct: p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100) }),
      });
      setStep({ s: 'hashed', file, digest, lookup: undefined });
      const lookup = await api.evidenceByDigest(algorithm, digest);
      if (!ctl.signal.aborted) setStep({ s: 'hashed', file, digest, lookup });
    } catch (e) {
      report(e);
      if (!ctl.signal.aborted) setStep({ s: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };

  const recordId =
    step.s === 'hashed' ? (step.lookup?.record?.id ?? step.lookup?.batch?.recordId) : undefined;
  return (
    <>
      <PageTitle>{t('evidence.title')}</PageTitle>
      <p>{t('evidence.intro')}</p>
      {canHash ? (
        <DropZone
          label={t('evidence.drop')}
          hint={algName}
          onFile={(f) => void onFile(f)}
          testId="evidence-file"
        />
      ) : (
        <p className="notice" role="note">
          {t('evidence.hasherUnavailable', { alg: algName })}
        </p>
      )}
      {step.s === 'hashing' ? (
        <div className="progress">
          <label>
            {step.file.name} · {t('evidence.hashing', { pct: step.pct })}
            <progress max={100} value={step.pct} />
          </label>
        </div>
      ) : null}
      {step.s === 'error' ? (
        <p className="error" role="alert">
          {t('common.error', { detail: step.message })}
        </p>
      ) : null}
      {step.s === 'hashed' ? (
        <section aria-labelledby="digest-h" className="panel">
          <h2 id="digest-h">{t('evidence.digest')}</h2>
          <p>
            {step.file.name} · {formatBytes(step.file.size)}
          </p>
          <p data-testid="file-digest">
            {algName} <Hex value={step.digest} full />
          </p>
          <h3>{t('evidence.lookup')}</h3>
          {step.lookup === undefined ? (
            <p className="muted">{t('common.loading')}</p>
          ) : recordId !== undefined ? (
            <>
              <p className="ok-text" role="status">
                ✓ {t('evidence.found')}
              </p>
              {step.lookup.record === null ? null : <RecordFields r={step.lookup.record} />}
              <ReceiptActions algorithm={algorithm} digest={step.digest} />
            </>
          ) : (
            <>
              <p role="status">{t('evidence.notFound')}</p>
              <button
                type="button"
                className="primary"
                disabled={submitter === undefined}
                onClick={() => {
                  if (submitter === undefined) return;
                  const { file, digest } = step;
                  void submitter
                    .submit(
                      { algorithm, value: digest },
                      {
                        fileName: file.name,
                        size: file.size,
                        ...(file.type === '' ? {} : { mediaType: file.type }),
                      },
                    )
                    .then(() => api.evidenceByDigest(algorithm, digest))
                    .then(
                      (lookup) => setStep({ s: 'hashed', file, digest, lookup }),
                      (e: unknown) => {
                        report(e);
                        setStep({ s: 'error', message: e instanceof Error ? e.message : String(e) });
                      },
                    );
                }}
              >
                {t('evidence.submit')}
              </button>
              {submitter === undefined ? <p className="muted small">{t('evidence.submitPending')}</p> : null}
            </>
          )}
        </section>
      ) : null}
    </>
  );
}
