import { XinlianError } from '@xinlian/utils';
import { createContext, type ReactNode, useContext } from 'react';
import type { EvidenceBackends } from './ports.js';

const EvidenceContext = createContext<EvidenceBackends | undefined>(undefined);

export function EvidenceProvider({
  backends,
  children,
}: {
  readonly backends: EvidenceBackends;
  readonly children: ReactNode;
}) {
  return <EvidenceContext.Provider value={backends}>{children}</EvidenceContext.Provider>;
}

export function useEvidence(): EvidenceBackends {
  const v = useContext(EvidenceContext);
  if (v === undefined)
    throw new XinlianError('CONSOLE_NO_PROVIDER', 'useEvidence outside EvidenceProvider', {});
  return v;
}
