import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

/** The URL to print for a listening address (wildcard and loopback hosts show as localhost). */
export function displayUrl(host: string, port: number): string {
  const local = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(host);
  const name = local ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const app = buildApp({ config });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const agents = config.agents
    .map((agent) =>
      agent.provider === 'demo'
        ? `${agent.id}: demo (offline)`
        : `${agent.id}: ${agent.provider} ${agent.model}`,
    )
    .join(', ');
  console.log(`agent-server listening on ${displayUrl(config.host, port)} — ${agents}`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      console.error(`${signal} again: exiting now.`);
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if ((error as { code?: unknown }).code === 'EADDRINUSE') {
    console.error(
      `agent-server failed to start: ${(error as Error).message}. Another process uses that port: stop it or set PORT.`,
    );
    process.exit(1);
  }
  console.error('agent-server failed to start:', error);
  process.exit(1);
});
