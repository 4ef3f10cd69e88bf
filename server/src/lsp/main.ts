// Entry of dist/server.cjs: `node dist/server.cjs --stdio` (any editor) or `--node-ipc` (VS Code's client).
import { startServer } from './server';

startServer(process.argv.includes('--stdio') ? 'stdio' : 'node-ipc');
