// The playground's entry: mounts the React app. The engine itself never loads in this page; every run
// imports dist/wgflow.js inside its own sandboxed frame (runner/host.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
