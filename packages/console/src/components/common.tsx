import { type ReactNode, useState } from 'react';
import { Link } from 'wouter';
import { isNotFound } from '../api/client.js';
import type { Loaded } from '../app/node-state.js';
import { useI18n } from '../i18n/i18n.js';
import { shortHex } from '../lib/format.js';

/** A hex value: shortened, full value in the title, with a copy button. Optionally a link. */
export function Hex({
  value,
  to,
  full = false,
}: {
  readonly value: string;
  readonly to?: string;
  readonly full?: boolean;
}) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const text = full ? value : shortHex(value);
  const copy = () => {
    void navigator.clipboard?.writeText(value).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => undefined,
    );
  };
  return (
    <span className="hex">
      {to === undefined ? (
        <code title={value}>{text}</code>
      ) : (
        <Link href={to} title={value}>
          <code>{text}</code>
        </Link>
      )}
      <button type="button" className="copy" onClick={copy} aria-label={`${t('common.copy')} ${value}`}>
        {copied ? t('common.copied') : t('common.copy')}
      </button>
    </span>
  );
}

/** Definition list of label/value rows. */
export function Fields({
  rows,
}: {
  readonly rows: readonly (readonly [string, ReactNode] | false | undefined)[];
}) {
  return (
    <dl className="fields">
      {rows.map((r) =>
        r ? (
          <div className="field" key={r[0]}>
            <dt>{r[0]}</dt>
            <dd>{r[1]}</dd>
          </div>
        ) : null,
      )}
    </dl>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

/** Shows a failed request: not found, or the error's message. */
export function LoadError({ error, what }: { readonly error: unknown; readonly what: string }) {
  const { t } = useI18n();
  return (
    <p className="error" role="alert">
      {isNotFound(error)
        ? t('common.notFound', { what })
        : t('common.error', { detail: error instanceof Error ? error.message : String(error) })}
    </p>
  );
}

/** Renders a Loaded<T>: loading, error or the content. */
export function Show<T>({
  value,
  what,
  children,
}: {
  readonly value: Loaded<T>;
  readonly what: string;
  readonly children: (data: T) => ReactNode;
}) {
  if (value.state === 'loading') return <Loading />;
  if (value.state === 'error') return <LoadError error={value.error} what={what} />;
  return <>{children(value.data)}</>;
}

export function PageTitle({ children }: { readonly children: ReactNode }) {
  return (
    <h1 className="page-title" tabIndex={-1}>
      {children}
    </h1>
  );
}

/**
 * A titled section with one table: `columns` are the header cells, `children` the body rows;
 * `empty` (when given) is shown instead of the table.
 */
export function TableSection({
  id,
  title,
  testId,
  columns,
  empty,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly testId?: string;
  readonly columns: readonly string[];
  readonly empty?: string | undefined;
  readonly children: ReactNode;
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {empty !== undefined ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid={testId}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
