import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { LkmLanguageServer } from './server';

// NOTE: handlers already guard themselves; this is the last line of defence, so that one bad input
// never takes the editor's server down with it.
process.on('uncaughtException', (error) => {
  process.stderr.write(`lkm-language-server: uncaught ${error.stack ?? error.message}\n`);
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`lkm-language-server: unhandled rejection ${String(reason)}\n`);
});

// The transport (--stdio, --node-ipc or --socket=N) is taken from the command line.
LkmLanguageServer.listen(createConnection(ProposedFeatures.all));
