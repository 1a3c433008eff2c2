/**
 * State layout of the governance module (module-relative keys; spec/governance.md §2). Keys are
 * UTF-8; numbers are zero-padded decimal so that byte order is numeric order.
 */
import { concatBytes, utf8 } from '@xinlian/utils';
import type { FreezeTarget } from './schemas.js';

export const GOVERNANCE_MODULE = 'governance';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const K = {
  init: () => utf8('init'),
  config: () => utf8('config'),
  filing: () => utf8('filing'),
  params: () => utf8('params'),
  votingPolicy: () => utf8('vpolicy'),
  proposalSeq: () => utf8('propseq'),
  /** Number of active freezes and disabled modules (absent/0: the authorizer skips those checks). */
  restrictions: () => utf8('restrict'),
  org: (id: string) => utf8(`org/${id}`),
  orgPrefix: () => utf8('org/'),
  member: (address: string) => utf8(`mem/${address}`),
  memberPrefix: () => utf8('mem/'),
  revoked: (org: string, serial: string) => utf8(`rev/${org}/${serial}`),
  revokedPrefix: (org?: string) => utf8(org === undefined ? 'rev/' : `rev/${org}/`),
  /** Certificate (org, serial) → member address, to find the member a revocation hits. */
  serial: (org: string, serial: string) => utf8(`ser/${org}/${serial}`),
  permission: (module: string, method: string) => utf8(`perm/${module}.${method}`),
  permissionPrefix: () => utf8('perm/'),
  moduleDisabled: (module: string) => utf8(`moddis/${module}`),
  moduleDisabledPrefix: () => utf8('moddis/'),
  proposal: (id: number) => utf8(`prop/${pad(id, 12)}`),
  proposalPrefix: () => utf8('prop/'),
  due: (height: number, id: number) => utf8(`due/${pad(height, 16)}/${pad(id, 12)}`),
  duePrefix: (height: number) => utf8(`due/${pad(height, 16)}/`),
  frozen: (t: FreezeTarget) => utf8(`frz/${targetId(t)}`),
  frozenPrefix: () => utf8('frz/'),
  validatorSet: (height: number) => utf8(`valset/${pad(height, 16)}`),
  validatorSetPrefix: () => utf8('valset/'),
  upgrade: (name: string) => utf8(`upgrade/${name}`),
  upgradePrefix: () => utf8('upgrade/'),
  audit: (time: number, height: number, slot: number, seq: number) =>
    utf8(`aud/${pad(time, 16)}/${pad(height, 16)}/${pad(slot, 8)}/${pad(seq, 6)}`),
  auditFrom: (time: number) => utf8(`aud/${pad(time, 16)}/`),
  auditPrefix: () => utf8('aud/'),
} as const;

/** `account/<address>`, `module/<name>`, `record/<module>/<id>`. */
export function targetId(t: FreezeTarget): string {
  switch (t.kind) {
    case 'account':
      return `account/${t.address}`;
    case 'module':
      return `module/${t.module}`;
    case 'record':
      return `record/${t.module}/${t.record}`;
  }
}

/** Prepends the module namespace (utf8(name) ‖ 0x00) for readers of full keys. */
export function fullKey(ns: Uint8Array, key: Uint8Array): Uint8Array {
  return concatBytes(ns, key);
}
