import { XinlianError } from '@xinlian/utils';
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import type { EvidenceBackends, SignerKey } from './ports.js';

const EvidenceContext = createContext<EvidenceBackends | undefined>(undefined);

/** The key the crypto worker holds (its public parts), shared by the pages while the app runs. */
export interface SignerKeyState {
  readonly key: SignerKey | undefined;
  readonly setKey: (k: SignerKey | undefined) => void;
}
const SignerKeyContext = createContext<SignerKeyState | undefined>(undefined);

export function EvidenceProvider({
  backends,
  children,
}: {
  readonly backends: EvidenceBackends;
  readonly children: ReactNode;
}) {
  const [key, setKey] = useState<SignerKey | undefined>(undefined);
  const signerKey = useMemo(() => ({ key, setKey }), [key]);
  return (
    <EvidenceContext.Provider value={backends}>
      <SignerKeyContext.Provider value={signerKey}>{children}</SignerKeyContext.Provider>
    </EvidenceContext.Provider>
  );
}

export function useEvidence(): EvidenceBackends {
  const v = useContext(EvidenceContext);
  if (v === undefined)
    throw new XinlianError('CONSOLE_NO_PROVIDER', 'useEvidence outside EvidenceProvider', {});
  return v;
}

export function useSignerKey(): SignerKeyState {
  const v = useContext(SignerKeyContext);
  if (v === undefined)
    throw new XinlianError('CONSOLE_NO_PROVIDER', 'useSignerKey outside EvidenceProvider', {});
  return v;
}
