/**
 * The permission matrix as the installed modules declare it: every method of every module
 * (`ModuleMethod.roles`; absent means any member) crossed with every role. The default of what the
 * authorizer enforces before the on-chain policy overrides anything (spec/governance.md), and what
 * the permission tests of every module package are generated from.
 */
import type { Module } from '@xinlian/execution';
import { ROLES, type Role } from '@xinlian/pki';

/** One declared method: `op` is `module.method`; `roles` undefined means any member may call it. */
export interface DeclaredMethod {
  readonly op: string;
  readonly module: string;
  readonly method: string;
  readonly roles: readonly string[] | undefined;
}

/** One cell of the matrix: may `role` call `op` by default? */
export interface PermissionCell extends DeclaredMethod {
  readonly role: Role;
  readonly allowed: boolean;
}

/** Every method of every module in `modules`, in module then declaration order. */
export function declaredMethods(modules: readonly Module[]): DeclaredMethod[] {
  return modules.flatMap((m) =>
    Object.entries(m.methods).map(([method, def]) => ({
      op: `${m.name}.${method}`,
      module: m.name,
      method,
      roles: def.roles,
    })),
  );
}

/** The roles a declaration allows (all member roles when it names none). */
export const declaredRoles = (roles: readonly string[] | undefined): readonly string[] => roles ?? ROLES;

/** Every declared method × every role, allowed or refused by the declarations. */
export function permissionMatrix(
  modules: readonly Module[],
  roles: readonly Role[] = ROLES,
): PermissionCell[] {
  return declaredMethods(modules).flatMap((d) =>
    roles.map((role) => ({ ...d, role, allowed: declaredRoles(d.roles).includes(role) })),
  );
}
