// `npm start`: installs dependencies when missing, then serves the playground with Vite.
import { spawn } from 'node:child_process';
import { ensureDependencies } from './ensure.mjs';

ensureDependencies();
const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
