/**
 * Host-level enforcement (wired as `ExecutorModules.authorizer`): before any module method runs,
 * the sender's membership and role are checked against the on-chain policy (permissioned chains),
 * and disabled modules and frozen accounts, modules and records refuse the call.
 */
import { type AuthRequest, namespacePrefix, type StateView, type TxAuthorizer } from '@xinlian/execution';
import { concatBytes } from '@xinlian/utils';
import { govError } from './errors.js';
import { GOVERNANCE_MODULE, K } from './keys.js';
import {
  allowedRoles,
  type ChainConfig,
  checkRole,
  config,
  identify,
  memoParser,
  moduleDisabled,
  namespaced,
  refuseFrozen,
  restrictions,
  type Seed,
  seeded,
} from './state.js';

export function createAuthorizer(seed: Seed): TxAuthorizer {
  const parse = memoParser();
  // Full keys of the three values that decide whether anything is to check (built once).
  const ns = namespacePrefix(GOVERNANCE_MODULE);
  const initKey = concatBytes(ns, K.init());
  const configKey = concatBytes(ns, K.config());
  const restrictionsKey = concatBytes(ns, K.restrictions());
  return {
    authorize(req: AuthRequest, view: StateView): void {
      // Fast path (every tx of an open chain without freezes or disabled modules): once block 1
      // has written the seed, a chain that is not permissioned and has no restrictions admits
      // every call. Reads exactly what the general path below reads first, without building
      // the namespaced reader and its keys per call.
      if (view.get(initKey) !== undefined) {
        const cfg = view.get(configKey);
        if (cfg === undefined || !(parse(cfg) as ChainConfig).permissioned) {
          const count = view.get(restrictionsKey);
          if (count === undefined || parse(count) === 0) return;
        }
      }
      const r = seeded(namespaced(view, parse), seed);
      if (config(r).permissioned) {
        // A holder of a certificate of a member organization registers it itself: the module
        // checks that the certificate verifies and names the signer's key.
        const selfRegistration =
          req.module === GOVERNANCE_MODULE &&
          req.method === 'registerMember' &&
          r.get(K.member(req.sender.address)) === undefined;
        if (!selfRegistration) {
          const m = identify(r, req.sender.address, req.time);
          checkRole(m, req.module, req.method, allowedRoles(r, req.module, req.method, req.definition.roles));
        }
      }
      if (restrictions(r) === 0) return;
      if (moduleDisabled(r, req.module)) {
        throw govError('PERM_MODULE_DISABLED', `module ${req.module} is disabled by governance`, {
          module: req.module,
        });
      }
      refuseFrozen(r, { kind: 'account', address: req.sender.address });
      if (req.module !== GOVERNANCE_MODULE) {
        refuseFrozen(r, { kind: 'module', module: req.module });
        const targets = req.definition.targets?.(req.args) ?? [];
        for (const record of targets) refuseFrozen(r, { kind: 'record', module: req.module, record });
      }
    },
  };
}
