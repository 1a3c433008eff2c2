import type { Receipt, VerificationReport, VerificationStep } from '@xinlian/schemas';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useSearch } from 'wouter';
import type { DigestAlgorithm } from '../api/client.js';
import { useNode } from '../app/node-state.js';
import { Hex, PageTitle } from '../components/common.js';
import { useEvidence } from '../evidence/context.js';
import { useI18n } from '../i18n/i18n.js';
import { DropZone } from './evidence.js';

interface Outcome {
  readonly report: VerificationReport;
  readonly receipt: Receipt | undefined;
  /** A file was given but this browser cannot hash it in the receipt's algorithm (not a failure). */
  readonly fileSkipped: boolean;
}

/** Names of the verification steps (docs/receipts.md; the SDK's RECEIPT_STEPS). */
const STEP_NAMES: Readonly<Record<string, { zh: string; en: string }>> = {
  schema: { zh: '回执格式', en: 'Receipt format' },
  genesis: { zh: '创世文件', en: 'Genesis' },
  validatorSet: { zh: '验证者集合', en: 'Validator set' },
  validatorSetChain: { zh: '验证者集合变更链', en: 'Validator-set chain' },
  header: { zh: '区块头', en: 'Block header' },
  validatorSetHash: { zh: '验证者集合哈希', en: 'Validator set hash' },
  certificate: { zh: '提交证书签名', en: 'Commit certificate' },
  txInclusion: { zh: '交易包含证明', en: 'Tx inclusion' },
  txId: { zh: '交易哈希', en: 'Tx ID' },
  txSignature: { zh: '交易签名', en: 'Tx signature' },
  result: { zh: '执行结果', en: 'Execution result' },
  txArgs: { zh: '交易参数', en: 'Tx arguments' },
  record: { zh: '存证记录', en: 'Record' },
  anchor: { zh: '批量锚定', en: 'Batch anchor' },
  fileDigest: { zh: '文件摘要', en: 'File digest' },
};

/**
 * The public verification page (the certificate's QR code opens it with ?alg=&digest=): a file and
 * a receipt, or a digest whose receipt the node provides; every verification step pass/fail.
 */
export function Verify() {
  const { t, lang } = useI18n();
  const { api, report, status } = useNode();
  const { hasher, verifier } = useEvidence();
  const params = new URLSearchParams(useSearch());
  const [file, setFile] = useState<File | undefined>(undefined);
  const [receiptFile, setReceiptFile] = useState<File | undefined>(undefined);
  const [digest, setDigest] = useState(params.get('digest') ?? '');
  const [alg, setAlg] = useState<DigestAlgorithm>(
    params.get('alg') === 'sha256' || (params.get('alg') === null && status?.suite === 'intl')
      ? 'sha256'
      : 'sm3',
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const digestId = useId();
  const algId = useId();

  const run = async () => {
    setError(undefined);
    setOutcome(undefined);
    let receipt: unknown;
    if (receiptFile !== undefined) {
      try {
        receipt = JSON.parse(await receiptFile.text());
      } catch {
        setError(t('verify.badReceipt'));
        return;
      }
    } else if (/^[0-9a-f]{64}$/.test(digest.trim().toLowerCase())) {
      setBusy(true);
      try {
        receipt = await api.receipt(alg, digest.trim().toLowerCase());
      } catch (e) {
        report(e);
        setError(t('common.error', { detail: e instanceof Error ? e.message : String(e) }));
        setBusy(false);
        return;
      }
    } else {
      setError(t('verify.needInput'));
      return;
    }
    setBusy(true);
    try {
      const r = receipt as Partial<Receipt>;
      const subject = r.subject?.digest;
      // The file is hashed here (it never leaves the browser); the verifier's fileDigest step
      // then compares that digest with the receipt's.
      let fileStep: VerificationStep | undefined;
      let fileDigest: string | undefined;
      if (file !== undefined && subject !== undefined) {
        if (hasher.supports(subject.algorithm)) fileDigest = await hasher.hash(file, subject.algorithm);
        else {
          fileStep = {
            name: 'fileDigest',
            ok: false,
            detail: t('verify.fileNotChecked', { alg: subject.algorithm.toUpperCase() }),
          };
        }
      }
      const result = await verifier.verify(receipt, fileDigest === undefined ? {} : { digest: fileDigest });
      const steps =
        fileStep === undefined
          ? result.steps
          : result.steps.map((s) => (s.name === 'fileDigest' ? fileStep : s));
      setOutcome({
        report: { ok: result.ok, steps },
        receipt: r.format === 'xinlian-receipt/1' ? (r as Receipt) : undefined,
        fileSkipped: fileStep !== undefined,
      });
    } catch (e) {
      report(e);
      setError(t('common.error', { detail: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  // Opened from a certificate's QR code: verify the digest's receipt right away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: run once for the URL's digest.
  useEffect(() => {
    if (params.get('digest') !== null) void run();
  }, []);

  const steps = outcome?.report.steps ?? [];
  const skipped = (s: VerificationStep) => outcome?.fileSkipped === true && s.name === 'fileDigest';
  const firstFail = steps.find((s) => !s.ok && !skipped(s));
  const allOk = outcome?.report.ok === true;
  const stepName = (name: string) => STEP_NAMES[name]?.[lang] ?? name;
  return (
    <>
      <PageTitle>{t('verify.title')}</PageTitle>
      <p>{t('verify.intro')}</p>
      <form
        className="panel verify-form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void run();
        }}
      >
        <DropZone
          label={t('verify.file')}
          hint={file === undefined ? '' : file.name}
          onFile={setFile}
          testId="verify-file"
        />
        <DropZone
          label={t('verify.receipt')}
          hint={receiptFile === undefined ? '' : receiptFile.name}
          onFile={setReceiptFile}
          accept=".json,application/json"
          testId="verify-receipt"
        />
        <div className="row">
          <label htmlFor={digestId}>{t('verify.digest')}</label>
          <input
            id={digestId}
            value={digest}
            onChange={(e) => setDigest(e.currentTarget.value)}
            spellCheck={false}
            autoComplete="off"
            pattern="[0-9a-fA-F]{64}"
          />
          <label htmlFor={algId}>{t('verify.algorithm')}</label>
          <select
            id={algId}
            value={alg}
            onChange={(e) => setAlg(e.currentTarget.value === 'sha256' ? 'sha256' : 'sm3')}
          >
            <option value="sm3">SM3</option>
            <option value="sha256">SHA-256</option>
          </select>
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('verify.running') : t('verify.run')}
        </button>
      </form>
      {error === undefined ? null : (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {outcome === undefined ? null : (
        <section aria-labelledby="steps-h" className="panel">
          <h2 id="steps-h">{t('verify.steps')}</h2>
          <p className={allOk ? 'ok-text' : 'error'} role="status" data-testid="verify-verdict">
            {allOk
              ? t(outcome.fileSkipped ? 'verify.okNoFile' : 'verify.ok', {
                  height: outcome.receipt?.block.height ?? '?',
                })
              : t('verify.bad', { step: firstFail === undefined ? '?' : stepName(firstFail.name) })}
          </p>
          <ol className="steps" data-testid="verify-steps">
            {steps.map((s) => (
              <li key={s.name} className={s.ok ? 'pass' : skipped(s) ? 'skip' : 'fail'}>
                <span className="mark" aria-hidden="true">
                  {s.ok ? '✓' : skipped(s) ? '–' : '✗'}
                </span>
                <strong>{stepName(s.name)}</strong> <code className="muted small">{s.name}</code>{' '}
                <span className="sr-only">
                  {s.ok ? t('verify.pass') : skipped(s) ? t('verify.skipped') : t('verify.fail')}
                </span>
                <span className="muted"> — {s.detail}</span>
              </li>
            ))}
          </ol>
          {outcome.receipt === undefined ? null : (
            <p className="small">
              {outcome.receipt.subject.digest.algorithm.toUpperCase()}{' '}
              <Hex value={outcome.receipt.subject.digest.value} />
            </p>
          )}
          <p className="muted small" data-testid="verify-trust">
            {verifier.offline
              ? t('verify.offline', { hash: status?.genesisHash ?? '?' })
              : t('verify.byNode')}
          </p>
        </section>
      )}
    </>
  );
}
