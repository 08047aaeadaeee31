import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CassetteError } from '../errors.js';

/** `--tls`, `--tls-cert FILE`, `--tls-key FILE`. */
export interface TlsOptions {
  certFile?: string;
  keyFile?: string;
  /** Where the self-signed certificate lives (CASSETTE_TLS_DIR, default ~/.cache/llm-cassette/tls). */
  dir: string;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** The certificate file a client must trust (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE). */
  certFile: string;
  /** True when the proxy made the certificate itself (self-signed, for 127.0.0.1 and localhost). */
  selfSigned: boolean;
}

/**
 * The TLS certificate of the listener: the given files, or a self-signed certificate for
 * localhost/127.0.0.1/::1 made on first use with the system's `openssl` and kept in
 * `CASSETTE_TLS_DIR` (default `~/.cache/llm-cassette/tls`), so clients trust it once.
 */
export function loadTlsMaterial(tls: TlsOptions): TlsMaterial {
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw new CassetteError(
      'bad_usage',
      '--tls-cert and --tls-key go together: give both, or neither (--tls makes a self-signed certificate)',
    );
  }
  if (tls.certFile !== undefined && tls.keyFile !== undefined) {
    return { cert: read(tls.certFile, '--tls-cert'), key: read(tls.keyFile, '--tls-key'), certFile: tls.certFile, selfSigned: false };
  }
  const dir = tls.dir;
  const certFile = join(dir, 'localhost-cert.pem');
  const keyFile = join(dir, 'localhost-key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) createSelfSigned(dir, certFile, keyFile);
  return { cert: read(certFile, 'certificate'), key: read(keyFile, 'key'), certFile, selfSigned: true };
}

function createSelfSigned(dir: string, certFile: string, keyFile: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '825',
        '-subj',
        '/CN=llm-cassette local proxy',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 },
    );
    chmodSync(keyFile, 0o600);
  } catch (err) {
    throw new CassetteError(
      'cannot_start',
      `could not make a self-signed TLS certificate in ${dir}: ${(err as Error).message.split('\n')[0]}`,
      {
        cause: err,
        hint: 'Install openssl, or pass your own certificate with --tls-cert FILE --tls-key FILE.',
      },
    );
  }
}

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CassetteError(
      'bad_usage',
      `cannot read the TLS ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { cause: err },
    );
  }
}
