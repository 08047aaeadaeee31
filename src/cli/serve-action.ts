import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { createLogger } from '../log.js';
import { startCassetteServer } from '../server/create-cassette-server.js';
import { printData, printJson, printTalk, talkPaint } from './output.js';
import { waitForSignal } from './wait-for-signal.js';
import { waitForParent } from './wait-for-parent.js';
import { formatSummary } from './format-summary.js';

/** `cassette serve`: runs the proxy until SIGINT/SIGTERM. */
export async function serveAction(flags: CliFlags & { json?: boolean; exitWithParent?: boolean }): Promise<number> {
  const options = await loadOptions(flags);
  const logger = createLogger(options.logLevel);
  const server = await startCassetteServer(options, { logger });
  if (flags.json) {
    printJson({
      ok: true,
      url: server.url,
      port: server.port,
      mode: options.mode,
      store: options.store,
      episode: options.episode,
      env: server.env,
    });
  } else {
    printData(
      [
        `# llm-cassette ${options.mode} proxy on ${server.url} (store ${options.store}, episode ${options.episode})`,
        ...Object.entries(server.env).map(([k, v]) => `export ${k}=${v}`),
        ...(server.tlsCertFile
          ? [
              `# TLS: Node clients trust the proxy through NODE_EXTRA_CA_CERTS (above); Python/OpenSSL clients through`,
              `# SSL_CERT_FILE=${server.tlsCertFile} (replaces their CA bundle) or REQUESTS_CA_BUNDLE for requests.`,
            ]
          : []),
      ].join('\n'),
    );
  }
  const parent = flags.exitWithParent ? waitForParent() : undefined;
  const signal = await Promise.race([waitForSignal(), ...(parent ? [parent.done] : [])]);
  parent?.stop();
  logger.info({ signal }, 'stopping');
  await server.stop();
  // The same summary as `cassette run`, on stderr: what was served, missed, recorded.
  printTalk(formatSummary(server.summary(), talkPaint()));
  return 0;
}
