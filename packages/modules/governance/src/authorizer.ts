/**
 * Host-level enforcement (wired as `ExecutorModules.authorizer`): before any module method runs,
 * the sender's membership and role are checked against the on-chain policy (permissioned chains),
 * and disabled modules and frozen accounts, modules and records refuse the call.
 */
import type { AuthRequest, StateView, TxAuthorizer } from '@xinlian/execution';
import { govError } from './errors.js';
import { GOVERNANCE_MODULE, K } from './keys.js';
import {
  allowedRoles,
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
  return {
    authorize(req: AuthRequest, view: StateView): void {
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
