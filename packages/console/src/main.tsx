import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FetchApi } from './api/client.js';
import { App } from './app/app.js';
import { NodeProvider } from './app/node-state.js';
import { defaultBackends } from './evidence/backends.js';
import { EvidenceProvider } from './evidence/context.js';
import { I18nProvider } from './i18n/i18n.js';
import './styles.css';

// The console is served by the node it talks to: the API is this page's own origin.
const api = new FetchApi({ baseUrl: '' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <NodeProvider api={api}>
        <EvidenceProvider backends={defaultBackends(api)}>
          <App />
        </EvidenceProvider>
      </NodeProvider>
    </I18nProvider>
  </StrictMode>,
);
