/**
 * The governance module (准入、权限、治理、监管): organizations and their CAs, members (certificates
 * or registered keys) with roles, on-chain revocation, the permission policy, proposals and votes
 * executed at a defined height, freezes with a legal basis, filing (备案) data and the audit log of
 * administrative actions — per spec/governance.md. Deterministic: time is the block time.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { type JsonValue, parseCanonicalJson } from '@xinlian/codec';
import { addressOf, type CryptoSuite } from '@xinlian/crypto';
import {
  type BlockContext,
  type Module,
  type ModuleMethod,
  type ModuleQuery,
  type ModuleQueryState,
  type ModuleState,
  namespacePrefix,
  type ParamsSource,
  type StateView,
  type TxAuthorizer,
  type TxContext,
} from '@xinlian/execution';
import {
  type ParsedCertificate,
  parseCertificate,
  verifyCaCertificate,
  verifyMemberCertificate,
} from '@xinlian/pki';
import {
  concatBytes,
  equalBytes,
  fromHex,
  fromUtf8,
  isXinlianError,
  toHex,
  XinlianError,
} from '@xinlian/utils';
import { createAuthorizer } from './authorizer.js';
import { badArgs, govError } from './errors.js';
import { GOVERNANCE_MODULE, K, targetId } from './keys.js';
import { decide, tally } from './policy.js';
import {
  type Action,
  AddressParams,
  type AuditEntry,
  AuditParams,
  type Choice,
  Empty,
  FileAuditReportArgs,
  FreezeArgs,
  type FreezeRecord,
  FrozenParams,
  GovernanceGenesis,
  type HistoryEntry,
  type MemberRecord,
  MembersParams,
  type OrganizationRecord,
  OrgParams,
  type ParamsPatch,
  PermissionParams,
  ProposalParams,
  type ProposalRecord,
  ProposalsParams,
  ProposeArgs,
  RegisterKeyArgs,
  RegisterMemberArgs,
  RemoveMemberArgs,
  RevokeCertificateArgs,
  type UpgradeRecord,
  type ValidatorEntry,
  ValidatorSetsParams,
  VoteArgs,
} from './schemas.js';
import {
  allowedRoles,
  checkRole,
  config,
  DEFAULT_VOTING_POLICY,
  encode,
  frozen,
  identify,
  type KV,
  member,
  moduleDisabled,
  namespaced,
  organization,
  organizations,
  orgIds,
  type Reader,
  readJson,
  restrictions,
  type Seed,
  seeded,
  votingPolicy,
} from './state.js';
import { compileValidator } from './validate.js';

/** Heights between the block executing a `setValidators` action and the first height its set decides. */
export const VALSET_CHANGE_DELAY = 2;

/** Longest voting period a proposal may have, in blocks. */
export const MAX_VOTING_PERIOD = 1_000_000;

/** Default roles of the governance module's methods (the on-chain policy may override them). */
export const GOVERNANCE_DEFAULT_ROLES = Object.freeze({
  registerMember: ['admin'],
  registerKey: ['admin'],
  removeMember: ['admin'],
  revokeCertificate: ['admin', 'regulator'],
  propose: ['admin'],
  vote: ['admin'],
  freeze: ['regulator'],
  unfreeze: ['regulator'],
  fileAuditReport: ['auditor', 'regulator'],
} as const satisfies Record<string, readonly string[]>);

export interface GovernanceOptions {
  readonly suite: CryptoSuite;
  readonly genesis: GovernanceGenesis;
  /**
   * The other installed modules (for the declared default roles shown by the `permission` query
   * and checked by setPermission proposals).
   */
  readonly modules?: readonly Module[];
}

export interface Governance {
  readonly module: Module;
  /** Wire into the Executor (`ExecutorModules.authorizer`) for host-level enforcement. */
  readonly authorizer: TxAuthorizer;
  /** The genesis writes (module-relative), applied at block 1. */
  readonly seed: Seed;
  /**
   * The member an address belongs to, checked like a tx sender (organization present, certificate
   * and CA not revoked, valid at `time` if given) on a full-key state view (e.g. the store), or
   * throws PERM_*. The seam for admitting network peers (spec/governance.md §9).
   */
  identify(view: StateView, address: string, time?: number): MemberRecord;
  /**
   * Where the chain params changed by `setParams` live (`ExecutorModules.params`): the executor
   * merges them over the genesis params; a change executed in block H applies from H+1 on.
   */
  readonly paramsSource: ParamsSource;
  /** The `setParams` overrides on a full-key state view (e.g. the store); `{}` when none. */
  params(view: StateView): ParamsPatchRecord;
  /** The scheduled upgrades on a full-key state view, by height then name. */
  upgrades(view: StateView): UpgradeRecord[];
}

/** The chain params set by governance (a subset of the genesis ChainParams). */
export type ParamsPatchRecord = Partial<Record<keyof ParamsPatch, number>>;

/** Records administrative actions in the audit log (and as events of the tx). */
class AuditLog {
  #seq = 0;
  constructor(
    private readonly state: ModuleState,
    private readonly base: Omit<AuditEntry, 'action' | 'details'>,
    private readonly slot: number,
  ) {}

  add(action: string, details: AuditEntry['details']): void {
    const entry: AuditEntry = { ...this.base, action, details };
    this.state.set(K.audit(this.base.time, this.base.height, this.slot, this.#seq++), encode(entry));
    this.state.emit({
      type: `governance.${action}`,
      attributes: Object.keys(details)
        .sort()
        .map((key) => ({ key, value: String(details[key]) })),
    });
  }
}

function pkiReason(e: unknown): string {
  return isXinlianError(e) ? e.code : 'UNKNOWN';
}

function badCertificate(message: string, e: unknown): XinlianError {
  return govError('GOV_BAD_CERTIFICATE', message, { reason: pkiReason(e) });
}

/** The writes a proposal's action makes, after its checks (shared by propose and execution). */
interface Prepared {
  readonly writes: readonly { key: Uint8Array; value: Uint8Array | null }[];
  readonly details: AuditEntry['details'];
}

export function createGovernance(opts: GovernanceOptions): Governance {
  const { suite } = opts;
  const genesis = compileValidator(GovernanceGenesis)(opts.genesis);
  const defaultsOf = new Map<string, readonly string[] | undefined>();
  for (const m of opts.modules ?? []) {
    for (const [name, def] of Object.entries(m.methods)) defaultsOf.set(`${m.name}.${name}`, def.roles);
  }
  for (const [name, roles] of Object.entries(GOVERNANCE_DEFAULT_ROLES)) {
    defaultsOf.set(`${GOVERNANCE_MODULE}.${name}`, roles);
  }

  const parseCa = (text: string, org: string, at: number | undefined): ParsedCertificate => {
    let ca: ParsedCertificate;
    try {
      ca = verifyCaCertificate(text, at === undefined ? { suite } : { suite, at: new Date(at) });
    } catch (e) {
      throw badCertificate('the CA certificate does not verify', e);
    }
    if (ca.org !== org) {
      throw govError('GOV_BAD_CERTIFICATE', `the CA certificate is for organization ${ca.org}, not ${org}`, {
        reason: 'ORG_MISMATCH',
        org,
        certificateOrg: ca.org,
      });
    }
    return ca;
  };

  const checkPublicKey = (hex: string, field: string): Uint8Array => {
    const bytes = fromHex(hex);
    try {
      suite.publicKeyFromBytes(bytes);
    } catch {
      throw badArgs(field, `not a valid ${suite.id} public key`);
    }
    return bytes;
  };

  const seed = buildSeed(genesis, suite, parseCa, checkPublicKey);

  /** The sender as a member allowed to call `method` (identity at block time + role policy). */
  const actor = (
    ctx: TxContext,
    state: Reader,
    method: keyof typeof GOVERNANCE_DEFAULT_ROLES,
  ): MemberRecord => {
    const m = identify(state, ctx.sender.address, ctx.blockTime);
    checkRole(
      m,
      GOVERNANCE_MODULE,
      method,
      allowedRoles(state, GOVERNANCE_MODULE, method, GOVERNANCE_DEFAULT_ROLES[method]),
    );
    return m;
  };

  const requireAdminOf = (m: MemberRecord, org: string): void => {
    if (m.role !== 'admin' || m.org !== org) {
      throw govError('GOV_NOT_ORG_ADMIN', `only an admin of ${org} may do this`, { org, sender: m.address });
    }
  };

  const auditFor = (ctx: TxContext, state: ModuleState, m: MemberRecord | null): AuditLog =>
    new AuditLog(
      state,
      {
        time: ctx.blockTime,
        height: ctx.height,
        txId: toHex(ctx.txId),
        actor: ctx.sender.address,
        org: m?.org ?? null,
        role: m?.role ?? null,
      },
      ctx.txIndex + 1,
    );

  const prepare = (r: Reader, action: Action, height: number, time: number): Prepared => {
    switch (action.type) {
      case 'addOrganization': {
        if (organization(r, action.org) !== undefined) {
          throw govError('GOV_ORG_EXISTS', `organization ${action.org} exists`, { org: action.org });
        }
        const ca = parseCa(action.caCertificate, action.org, time);
        const rec: OrganizationRecord = {
          id: action.org,
          name: action.name,
          caCertificate: toHex(ca.der),
          caSerial: ca.serial,
          addedHeight: height,
        };
        return {
          writes: [{ key: K.org(action.org), value: encode(rec) }],
          details: { org: action.org, caSerial: ca.serial },
        };
      }
      case 'removeOrganization': {
        if (organization(r, action.org) === undefined) {
          throw govError('GOV_UNKNOWN_ORG', `no organization ${action.org}`, { org: action.org });
        }
        if (orgIds(r).length <= 1)
          throw govError('GOV_LAST_ORG', 'the last organization cannot be removed', {});
        return { writes: [{ key: K.org(action.org), value: null }], details: { org: action.org } };
      }
      case 'setValidators': {
        const keys = new Set<string>();
        action.validators.forEach((v, i) => {
          checkPublicKey(v.publicKey, `action.validators[${i}].publicKey`);
          if (keys.has(v.publicKey))
            throw badArgs(`action.validators[${i}].publicKey`, 'duplicate validator key');
          keys.add(v.publicKey);
          if (v.organization !== undefined && organization(r, v.organization) === undefined) {
            throw govError('GOV_UNKNOWN_ORG', `no organization ${v.organization}`, { org: v.organization });
          }
        });
        // spec/consensus.md §11: a change scheduled by block h decides h+2 on (VALSET_CHANGE_DELAY),
        // so the sets of H and H+1 are fixed by the state committed at H−1.
        const effective = height + VALSET_CHANGE_DELAY;
        const value = encode({ height: effective, validators: action.validators });
        return {
          writes: [{ key: K.validatorSet(effective), value }],
          details: { effectiveHeight: effective, validators: action.validators.length },
        };
      }
      case 'setParams': {
        const current = readJson<Record<string, number>>(r, K.params()) ?? {};
        return {
          writes: [{ key: K.params(), value: encode({ ...current, ...action.params }) }],
          details: { params: JSON.stringify(action.params) },
        };
      }
      case 'setModule': {
        if (action.module === GOVERNANCE_MODULE)
          throw govError('GOV_PROTECTED', 'governance cannot be disabled', {});
        const details = { module: action.module, enabled: action.enabled };
        // Already in the requested state: nothing to write.
        if (moduleDisabled(r, action.module) !== action.enabled) return { writes: [], details };
        return {
          writes: [
            { key: K.moduleDisabled(action.module), value: action.enabled ? null : encode({ height }) },
            { key: K.restrictions(), value: encode(restrictions(r) + (action.enabled ? -1 : 1)) },
          ],
          details,
        };
      }
      case 'setPermission': {
        const name = `${action.module}.${action.method}`;
        if (opts.modules !== undefined && action.module !== GOVERNANCE_MODULE && !defaultsOf.has(name)) {
          throw badArgs('action.method', `no method ${name} is installed`);
        }
        if (
          action.module === GOVERNANCE_MODULE &&
          (action.method === 'propose' || action.method === 'vote') &&
          action.roles !== null &&
          !action.roles.includes('admin')
        ) {
          throw govError('GOV_PROTECTED', `admins must keep ${name}`, { method: name });
        }
        return {
          writes: [
            {
              key: K.permission(action.module, action.method),
              value: action.roles === null ? null : encode({ roles: [...action.roles].sort() }),
            },
          ],
          details: { permission: name, roles: action.roles === null ? null : action.roles.join(' ') },
        };
      }
      case 'setVotingPolicy':
        return {
          writes: [{ key: K.votingPolicy(), value: encode(action.policy) }],
          details: { policy: JSON.stringify(action.policy) },
        };
      case 'scheduleUpgrade':
        if (action.height <= height) {
          throw govError('GOV_BAD_HEIGHT', `upgrade height ${action.height} is not after ${height}`, {
            height: action.height,
            current: height,
          });
        }
        return {
          writes: [{ key: K.upgrade(action.name), value: encode({ ...action, scheduledAt: height }) }],
          details: { name: action.name, height: action.height },
        };
      case 'setFiling':
        return {
          writes: [{ key: K.filing(), value: encode(action.filing) }],
          details: { ...action.filing },
        };
    }
  };

  /** Applies a vote tally change: passes, rejects or keeps the proposal open. */
  const settle = (r: Reader, p: ProposalRecord, height: number, time: number): ProposalRecord => {
    const votes = new Map<string, Choice>(p.votes.map((v) => [v.org, v.choice]));
    const t = tally(orgIds(r), votes);
    const outcome = decide(p.policy, t);
    if (outcome === 'open') return p;
    if (outcome === 'passed') {
      const executeAt = Math.max(p.executeHeight ?? 0, height + 1);
      return {
        ...p,
        status: 'passed',
        executeAt,
        history: [...p.history, { event: 'passed', height, time }],
      };
    }
    return { ...p, status: 'rejected', history: [...p.history, { event: 'rejected', height, time }] };
  };

  const saveProposal = (state: ModuleState, before: ProposalRecord, after: ProposalRecord): void => {
    state.set(K.proposal(after.id), encode(after));
    if (before.status === 'open' && after.status !== 'open')
      state.delete(K.due(before.deadlineHeight + 1, before.id));
    if (before.status !== 'passed' && after.status === 'passed')
      state.set(K.due(after.executeAt!, after.id), new Uint8Array([1]));
  };

  const method = <S extends TSchema, A>(
    schema: S,
    check: (args: Static<S>) => A,
    roles: readonly string[],
    execute: (ctx: TxContext, state: ModuleState, args: A) => JsonValue,
  ): ModuleMethod<A> => {
    const validate = compileValidator(schema);
    return { decodeArgs: (json) => check(validate(json)), execute, roles };
  };
  const same = <T>(a: T) => a;
  const R = GOVERNANCE_DEFAULT_ROLES;

  const methods = {
    registerMember: method(RegisterMemberArgs, same, R.registerMember, (ctx, state, args) => {
      let cert: ParsedCertificate;
      try {
        cert = parseCertificate(args.certificate, suite);
      } catch (e) {
        throw badCertificate('the certificate does not parse under the member profile', e);
      }
      const org = organization(state, cert.org);
      if (org === undefined)
        throw govError('GOV_UNKNOWN_ORG', `no organization ${cert.org}`, { org: cert.org });
      if (org.caCertificate === null) {
        throw govError('GOV_BAD_CERTIFICATE', `organization ${org.id} has no CA on chain`, {
          reason: 'NO_CA',
          org: org.id,
        });
      }
      let id: ReturnType<typeof verifyMemberCertificate>;
      try {
        id = verifyMemberCertificate(cert, {
          suite,
          trustedCas: [parseCertificate(fromHex(org.caCertificate), suite)],
          at: new Date(ctx.blockTime),
          revoked: { isRevoked: (o, s) => state.get(K.revoked(o, s)) !== undefined },
        });
      } catch (e) {
        throw badCertificate('the member certificate does not verify against its organization CA', e);
      }
      const self = equalBytes(id.publicKey.bytes, ctx.sender.publicKey);
      let by: MemberRecord | null = null;
      if (!self) {
        by = actor(ctx, state, 'registerMember');
        requireAdminOf(by, id.org);
      }
      const address = addressOf(suite, id.publicKey.bytes);
      if (member(state, address) !== undefined) {
        throw govError('GOV_MEMBER_EXISTS', `account ${address} is already registered`, { address });
      }
      const rec: MemberRecord = {
        address,
        publicKey: toHex(id.publicKey.bytes),
        org: id.org,
        role: id.role,
        name: id.name,
        serial: id.serial,
        caSerial: id.caSerial,
        notBefore: id.notBefore.getTime(),
        notAfter: id.notAfter.getTime(),
        registeredHeight: ctx.height,
      };
      state.set(K.member(address), encode(rec));
      state.set(K.serial(id.org, id.serial), encode(address));
      auditFor(ctx, state, by ?? rec).add('member.register', {
        address,
        org: id.org,
        role: id.role,
        serial: id.serial,
        self,
      });
      return rec as unknown as JsonValue;
    }),
    registerKey: method(RegisterKeyArgs, same, R.registerKey, (ctx, state, args) => {
      const by = actor(ctx, state, 'registerKey');
      if (organization(state, args.org) === undefined) {
        throw govError('GOV_UNKNOWN_ORG', `no organization ${args.org}`, { org: args.org });
      }
      requireAdminOf(by, args.org);
      const key = checkPublicKey(args.publicKey, 'publicKey');
      const address = addressOf(suite, key);
      if (member(state, address) !== undefined) {
        throw govError('GOV_MEMBER_EXISTS', `account ${address} is already registered`, { address });
      }
      const rec = registeredKey(address, args.publicKey, args.org, args.role, args.name, ctx.height);
      state.set(K.member(address), encode(rec));
      auditFor(ctx, state, by).add('member.register', {
        address,
        org: args.org,
        role: args.role,
        serial: null,
        self: false,
      });
      return rec as unknown as JsonValue;
    }),
    removeMember: method(RemoveMemberArgs, same, R.removeMember, (ctx, state, args) => {
      const by = actor(ctx, state, 'removeMember');
      const m = member(state, args.address);
      if (m === undefined)
        throw govError('GOV_UNKNOWN_MEMBER', `no member ${args.address}`, { address: args.address });
      requireAdminOf(by, m.org);
      if (m.role === 'admin') {
        const admins = state
          .scan(K.memberPrefix())
          .map((kv) => parseCanonicalJson(kv.value) as unknown as MemberRecord)
          .filter((x) => x.org === m.org && x.role === 'admin');
        if (admins.length <= 1) {
          throw govError('GOV_PROTECTED', `the last admin of ${m.org} cannot be removed`, { org: m.org });
        }
      }
      state.delete(K.member(args.address));
      if (m.serial !== null) state.delete(K.serial(m.org, m.serial));
      auditFor(ctx, state, by).add('member.remove', { address: m.address, org: m.org, role: m.role });
      return { removed: m.address };
    }),
    revokeCertificate: method(RevokeCertificateArgs, same, R.revokeCertificate, (ctx, state, args) => {
      const by = actor(ctx, state, 'revokeCertificate');
      if (organization(state, args.org) === undefined) {
        throw govError('GOV_UNKNOWN_ORG', `no organization ${args.org}`, { org: args.org });
      }
      if (by.role !== 'regulator') requireAdminOf(by, args.org);
      if (state.get(K.revoked(args.org, args.serial)) !== undefined) {
        throw govError(
          'GOV_ALREADY_REVOKED',
          `certificate ${args.serial} of ${args.org} is already revoked`,
          {
            org: args.org,
            serial: args.serial,
          },
        );
      }
      const holder = readJson<string>(state, K.serial(args.org, args.serial)) ?? null;
      const rec = {
        org: args.org,
        serial: args.serial,
        reason: args.reason ?? 'unspecified',
        height: ctx.height,
        time: ctx.blockTime,
        by: ctx.sender.address,
        txId: toHex(ctx.txId),
      };
      state.set(K.revoked(args.org, args.serial), encode(rec));
      auditFor(ctx, state, by).add('certificate.revoke', {
        org: args.org,
        serial: args.serial,
        reason: rec.reason,
        holder,
      });
      return { ...rec, holder };
    }),
    propose: method(ProposeArgs, same, R.propose, (ctx, state, args) => {
      const by = actor(ctx, state, 'propose');
      if (args.deadlineHeight < ctx.height || args.deadlineHeight > ctx.height + MAX_VOTING_PERIOD) {
        throw govError(
          'GOV_BAD_HEIGHT',
          `deadlineHeight must be in [${ctx.height}, ${ctx.height + MAX_VOTING_PERIOD}]`,
          {
            deadlineHeight: args.deadlineHeight,
            height: ctx.height,
          },
        );
      }
      if (args.executeHeight !== undefined && args.executeHeight <= ctx.height) {
        throw govError('GOV_BAD_HEIGHT', 'executeHeight must be after the current height', {
          executeHeight: args.executeHeight,
          height: ctx.height,
        });
      }
      prepare(state, args.action, ctx.height, ctx.blockTime);
      const id = (readJson<number>(state, K.proposalSeq()) ?? 0) + 1;
      state.set(K.proposalSeq(), encode(id));
      const p: ProposalRecord = {
        id,
        action: args.action,
        title: args.title,
        description: args.description ?? '',
        proposer: ctx.sender.address,
        proposerOrg: by.org,
        policy: votingPolicy(state),
        createdHeight: ctx.height,
        createdTime: ctx.blockTime,
        deadlineHeight: args.deadlineHeight,
        executeHeight: args.executeHeight ?? null,
        status: 'open',
        executeAt: null,
        votes: [],
        history: [
          { event: 'proposed', height: ctx.height, time: ctx.blockTime, by: ctx.sender.address, org: by.org },
        ],
      };
      state.set(K.proposal(id), encode(p));
      state.set(K.due(args.deadlineHeight + 1, id), new Uint8Array([1]));
      auditFor(ctx, state, by).add('proposal.create', {
        proposal: id,
        type: args.action.type,
        title: args.title,
      });
      return { proposal: id, status: 'open' };
    }),
    vote: method(VoteArgs, same, R.vote, (ctx, state, args) => {
      const by = actor(ctx, state, 'vote');
      const p = readJson<ProposalRecord>(state, K.proposal(args.proposal));
      if (p === undefined) {
        throw govError('GOV_UNKNOWN_PROPOSAL', `no proposal ${args.proposal}`, { proposal: args.proposal });
      }
      if (p.status !== 'open' || ctx.height > p.deadlineHeight) {
        throw govError(
          'GOV_PROPOSAL_CLOSED',
          `proposal ${p.id} is ${p.status === 'open' ? 'past its deadline' : p.status}`,
          {
            proposal: p.id,
            status: p.status,
            deadlineHeight: p.deadlineHeight,
          },
        );
      }
      if (p.votes.some((v) => v.org === by.org)) {
        throw govError('GOV_ALREADY_VOTED', `${by.org} has already voted on proposal ${p.id}`, {
          proposal: p.id,
          org: by.org,
        });
      }
      const voted: ProposalRecord = {
        ...p,
        votes: [
          ...p.votes,
          {
            org: by.org,
            voter: ctx.sender.address,
            choice: args.choice,
            height: ctx.height,
            time: ctx.blockTime,
            txId: toHex(ctx.txId),
          },
        ],
        history: [
          ...p.history,
          {
            event: 'voted',
            height: ctx.height,
            time: ctx.blockTime,
            by: ctx.sender.address,
            org: by.org,
            choice: args.choice,
          },
        ],
      };
      const after = settle(state, voted, ctx.height, ctx.blockTime);
      saveProposal(state, p, after);
      const audit = auditFor(ctx, state, by);
      audit.add('proposal.vote', { proposal: p.id, choice: args.choice });
      if (after.status !== 'open') {
        audit.add(`proposal.${after.status}`, { proposal: p.id, executeAt: after.executeAt });
      }
      return { proposal: p.id, status: after.status, executeAt: after.executeAt };
    }),
    freeze: method(FreezeArgs, same, R.freeze, (ctx, state, args) => {
      const by = actor(ctx, state, 'freeze');
      if (args.target.kind !== 'account' && args.target.module === GOVERNANCE_MODULE) {
        throw govError('GOV_PROTECTED', 'the governance module cannot be frozen', {
          target: targetId(args.target),
        });
      }
      if (frozen(state, args.target) !== undefined) {
        throw govError('SUPERVISION_ALREADY_FROZEN', `${targetId(args.target)} is already frozen`, {
          target: targetId(args.target),
        });
      }
      const rec: FreezeRecord = {
        target: args.target,
        legalBasis: args.legalBasis,
        reference: args.reference,
        by: ctx.sender.address,
        org: by.org,
        height: ctx.height,
        time: ctx.blockTime,
        txId: toHex(ctx.txId),
      };
      state.set(K.frozen(args.target), encode(rec));
      state.set(K.restrictions(), encode(restrictions(state) + 1));
      auditFor(ctx, state, by).add('supervision.freeze', {
        target: targetId(args.target),
        legalBasis: args.legalBasis,
        reference: args.reference,
      });
      return rec as unknown as JsonValue;
    }),
    unfreeze: method(FreezeArgs, same, R.unfreeze, (ctx, state, args) => {
      const by = actor(ctx, state, 'unfreeze');
      if (frozen(state, args.target) === undefined) {
        throw govError('SUPERVISION_NOT_FROZEN', `${targetId(args.target)} is not frozen`, {
          target: targetId(args.target),
        });
      }
      state.delete(K.frozen(args.target));
      state.set(K.restrictions(), encode(restrictions(state) - 1));
      auditFor(ctx, state, by).add('supervision.unfreeze', {
        target: targetId(args.target),
        legalBasis: args.legalBasis,
        reference: args.reference,
      });
      return { target: targetId(args.target), frozen: false };
    }),
    fileAuditReport: method(
      FileAuditReportArgs,
      (a) => {
        if (a.to < a.from) throw badArgs('to', 'must not be less than from');
        return a;
      },
      R.fileAuditReport,
      (ctx, state, args) => {
        const by = actor(ctx, state, 'fileAuditReport');
        auditFor(ctx, state, by).add('audit.report', {
          from: args.from,
          to: args.to,
          digest: args.digest,
          reference: args.reference,
        });
        return { filed: true };
      },
    ),
  } satisfies Record<keyof typeof GOVERNANCE_DEFAULT_ROLES, unknown>;

  const beginBlock = (ctx: BlockContext, state: ModuleState): void => {
    if (state.get(K.init()) === undefined) {
      for (const kv of seed.values()) state.set(kv.key, kv.value);
    }
    for (const kv of state.scan(K.duePrefix(ctx.height))) {
      state.delete(kv.key);
      const id = Number(fromUtf8(kv.key).split('/')[2]);
      const p = readJson<ProposalRecord>(state, K.proposal(id));
      if (p === undefined) continue;
      const audit = new AuditLog(
        state,
        { time: ctx.blockTime, height: ctx.height, txId: null, actor: null, org: null, role: null },
        0,
      );
      const at = (event: string, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
        event,
        height: ctx.height,
        time: ctx.blockTime,
        ...extra,
      });
      if (p.status === 'open' && ctx.height > p.deadlineHeight) {
        state.set(
          K.proposal(id),
          encode({ ...p, status: 'expired', history: [...p.history, at('expired')] }),
        );
        audit.add('proposal.expired', { proposal: id });
      } else if (p.status === 'passed' && p.executeAt === ctx.height) {
        try {
          const prepared = prepare(state, p.action, ctx.height, ctx.blockTime);
          for (const w of prepared.writes) {
            if (w.value === null) state.delete(w.key);
            else state.set(w.key, w.value);
          }
          state.set(
            K.proposal(id),
            encode({ ...p, status: 'executed', history: [...p.history, at('executed')] }),
          );
          audit.add(`action.${p.action.type}`, { proposal: id, ...prepared.details });
          if (p.action.type === 'setValidators') {
            state.emit({
              type: 'governance.validatorSetChange',
              attributes: [{ key: 'effectiveHeight', value: String(ctx.height + VALSET_CHANGE_DELAY) }],
            });
          }
        } catch (e) {
          const err = isXinlianError(e) ? e : new XinlianError('GOV_BAD_ARGS', 'action failed');
          state.set(
            K.proposal(id),
            encode({
              ...p,
              status: 'failed',
              history: [...p.history, at('failed', { code: err.code, message: err.message })],
            }),
          );
          audit.add('proposal.failed', { proposal: id, code: err.code });
        }
      }
    }
  };

  const queries = createQueries(seed, defaultsOf);
  const module: Module = { name: GOVERNANCE_MODULE, methods, queries, beginBlock };
  return {
    module,
    authorizer: createAuthorizer(seed),
    seed,
    identify: (view, address, time) => identify(seeded(namespaced(view), seed), address, time),
    paramsSource: {
      key: concatBytes(namespacePrefix(GOVERNANCE_MODULE), K.params()),
      decode: (bytes) => parseCanonicalJson(bytes) as unknown as ParamsPatchRecord,
    },
    params: (view) => readJson<ParamsPatchRecord>(seeded(namespaced(view), seed), K.params()) ?? {},
    upgrades: (view) =>
      seeded(namespaced(view), seed)
        .scan(K.upgradePrefix())
        .map((kv) => parseCanonicalJson(kv.value) as unknown as UpgradeRecord)
        .sort((a, b) => a.height - b.height || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

function registeredKey(
  address: string,
  publicKey: string,
  org: string,
  role: MemberRecord['role'],
  name: string,
  height: number,
): MemberRecord {
  return {
    address,
    publicKey,
    org,
    role,
    name,
    serial: null,
    caSerial: null,
    notBefore: null,
    notAfter: null,
    registeredHeight: height,
  };
}

function buildSeed(
  g: GovernanceGenesis,
  suite: CryptoSuite,
  parseCa: (text: string, org: string, at: number | undefined) => ParsedCertificate,
  checkPublicKey: (hex: string, field: string) => Uint8Array,
): Seed {
  const seed = new Map<string, KV>();
  const put = (key: Uint8Array, value: unknown) => seed.set(toHex(key), { key, value: encode(value) });
  const orgs = new Set<string>();
  g.organizations.forEach((o, i) => {
    if (orgs.has(o.id)) throw badArgs(`organizations[${i}].id`, 'duplicate organization');
    orgs.add(o.id);
    const ca = o.caCertificate === undefined ? undefined : parseCa(o.caCertificate, o.id, undefined);
    const rec: OrganizationRecord = {
      id: o.id,
      name: o.name,
      caCertificate: ca === undefined ? null : toHex(ca.der),
      caSerial: ca?.serial ?? null,
      addedHeight: 0,
    };
    put(K.org(o.id), rec);
  });
  g.members.forEach((m, i) => {
    if (!orgs.has(m.org)) throw badArgs(`members[${i}].org`, `no organization ${m.org}`);
    const address = addressOf(suite, checkPublicKey(m.publicKey, `members[${i}].publicKey`));
    if (seed.has(toHex(K.member(address)))) throw badArgs(`members[${i}].publicKey`, 'duplicate member');
    put(K.member(address), registeredKey(address, m.publicKey, m.org, m.role, m.name, 0));
  });
  for (const p of g.permissions ?? []) put(K.permission(p.module, p.method), { roles: [...p.roles].sort() });
  put(K.votingPolicy(), g.votingPolicy ?? DEFAULT_VOTING_POLICY);
  if (g.filing !== undefined) put(K.filing(), g.filing);
  if (g.validators !== undefined)
    put(K.validatorSet(0), { height: 0, validators: g.validators satisfies ValidatorEntry[] });
  put(K.config(), { permissioned: g.permissioned });
  put(K.init(), 1);
  return seed;
}

function createQueries(
  seed: Seed,
  defaultsOf: ReadonlyMap<string, readonly string[] | undefined>,
): Record<string, ModuleQuery<unknown, JsonValue>> {
  const query = <S extends TSchema, R extends JsonValue>(
    schema: S,
    run: (r: Reader, p: Static<S>) => R,
    check: (p: Static<S>) => Static<S> = (p) => p,
  ): ModuleQuery<unknown, JsonValue> => {
    const validate = compileValidator(schema);
    return {
      decodeParams: (json) => check(validate(json)),
      run: (state: ModuleQueryState, p) => run(seeded(state, seed), p as Static<S>),
    };
  };
  const list = <T>(r: Reader, prefix: Uint8Array): T[] =>
    r.scan(prefix).map((kv) => parseCanonicalJson(kv.value) as unknown as T);
  const j = <T>(v: T) => v as unknown as JsonValue;

  const auditEntries = (r: Reader, from: number, to: number, limit: number): AuditEntry[] =>
    r
      .scan(K.auditPrefix(), { start: K.auditFrom(from), end: K.auditFrom(to + 1), limit })
      .map((kv) => parseCanonicalJson(kv.value) as unknown as AuditEntry);

  return {
    status: query(Empty, (r) =>
      j({
        permissioned: config(r).permissioned,
        filing: readJson(r, K.filing()) ?? null,
        organizations: orgIds(r),
        votingPolicy: votingPolicy(r),
        params: readJson(r, K.params()) ?? {},
        disabledModules: r
          .scan(K.moduleDisabledPrefix())
          .map((kv) => fromUtf8(kv.key).slice('moddis/'.length)),
        upgrades: list(r, K.upgradePrefix()),
        frozen: r.scan(K.frozenPrefix()).length,
      }),
    ),
    filing: query(Empty, (r) => j(readJson(r, K.filing()) ?? null)),
    organizations: query(Empty, (r) => j(organizations(r))),
    organization: query(OrgParams, (r, p) => {
      const o = organization(r, p.org);
      if (o === undefined) throw govError('GOV_UNKNOWN_ORG', `no organization ${p.org}`, { org: p.org });
      return j(o);
    }),
    members: query(MembersParams, (r, p) =>
      j(list<MemberRecord>(r, K.memberPrefix()).filter((m) => p.org === undefined || m.org === p.org)),
    ),
    member: query(AddressParams, (r, p) => j(member(r, p.address) ?? null)),
    revocations: query(MembersParams, (r, p) => j(list(r, K.revokedPrefix(p.org)))),
    permissions: query(Empty, (r) => {
      const out: Record<string, { roles: readonly string[] | null; source: string }> = {};
      for (const [name, roles] of [...defaultsOf].sort())
        out[name] = { roles: roles ?? null, source: 'default' };
      for (const kv of r.scan(K.permissionPrefix())) {
        const name = fromUtf8(kv.key).slice('perm/'.length);
        out[name] = { roles: (parseCanonicalJson(kv.value) as { roles: string[] }).roles, source: 'policy' };
      }
      return j(out);
    }),
    permission: query(PermissionParams, (r, p) => {
      const policy = readJson<{ roles: string[] }>(r, K.permission(p.module, p.method));
      if (policy !== undefined) return j({ roles: policy.roles, source: 'policy' });
      return j({ roles: defaultsOf.get(`${p.module}.${p.method}`) ?? null, source: 'default' });
    }),
    votingPolicy: query(Empty, (r) => j(votingPolicy(r))),
    proposals: query(ProposalsParams, (r, p) =>
      j(
        list<ProposalRecord>(r, K.proposalPrefix())
          .filter((x) => p.status === undefined || x.status === p.status)
          .reverse()
          .slice(0, p.limit ?? 100),
      ),
    ),
    proposal: query(ProposalParams, (r, p) => {
      const x = readJson<ProposalRecord>(r, K.proposal(p.id));
      if (x === undefined) throw govError('GOV_UNKNOWN_PROPOSAL', `no proposal ${p.id}`, { proposal: p.id });
      const votes = new Map<string, Choice>(x.votes.map((v) => [v.org, v.choice]));
      return j({ ...x, tally: tally(orgIds(r), votes) });
    }),
    freezes: query(Empty, (r) => j(list(r, K.frozenPrefix()))),
    frozen: query(FrozenParams, (r, p) => j(frozen(r, p.target) ?? null)),
    validatorSets: query(ValidatorSetsParams, (r, p) =>
      j(
        list<{ height: number }>(r, K.validatorSetPrefix()).filter(
          (v) => p.fromHeight === undefined || v.height >= p.fromHeight,
        ),
      ),
    ),
    params: query(Empty, (r) => j(readJson(r, K.params()) ?? {})),
    upgrades: query(Empty, (r) => j(list(r, K.upgradePrefix()))),
    audit: query(
      AuditParams,
      (r, p) => {
        const entries = auditEntries(r, p.from, p.to, p.limit ?? 10_000);
        if (p.format === 'csv') return j({ format: 'csv', csv: auditCsv(entries) });
        return j({ format: 'json', entries });
      },
      (p) => {
        if (p.to < p.from) throw badArgs('to', 'must not be less than from');
        return p;
      },
    ),
  };
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180 CSV of audit entries (header row; details as canonical JSON). */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = [['time', 'timeIso', 'height', 'txId', 'actor', 'org', 'role', 'action', 'details']];
  for (const e of entries) {
    const details = fromUtf8(encode(e.details));
    rows.push([
      String(e.time),
      new Date(e.time).toISOString(),
      String(e.height),
      e.txId ?? '',
      e.actor ?? '',
      e.org ?? '',
      e.role ?? '',
      e.action,
      details,
    ]);
  }
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
