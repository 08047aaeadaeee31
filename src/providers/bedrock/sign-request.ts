import { CassetteError } from '../../errors.js';
import type { UpstreamRequestParts } from '../provider.js';

/** The SigV4 headers a client computed for the host it talks to (the proxy): never forwarded as they are. */
export const SIGNATURE_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'] as const;

/** `bedrock-runtime[-fips].<region>.amazonaws.com` names its region; anything else uses the environment's. */
const REGION_IN_HOST = /^bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The region of the proxy's environment (`AWS_REGION`, `AWS_DEFAULT_REGION`, else us-east-1). */
export function environmentRegion(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

/** The region to sign for when talking to `host`. */
export function signingRegion(host: string): string {
  return REGION_IN_HOST.exec(host)?.[1] ?? environmentRegion();
}

function isSigV4(authorization: string | string[] | undefined): boolean {
  return typeof authorization === 'string' && authorization.startsWith('AWS4-HMAC-SHA256 ');
}

/**
 * Re-signs a request for the real endpoint with the proxy's own credentials (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`): the client's signature covers the proxy's host,
 * so AWS would refuse it. A request with a Bedrock API key (`authorization: Bearer …`) goes as it is.
 * The signer is loaded on first use, so golden mode never loads it.
 */
export async function resignRequest(request: UpstreamRequestParts): Promise<Record<string, string | string[]>> {
  const { headers } = request;
  if (headers.authorization !== undefined && !isSigV4(headers.authorization)) return headers;
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new CassetteError(
      'bad_config',
      "bedrock: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set in the proxy's environment, so it cannot re-sign the request for AWS",
      {
        httpStatus: 403,
        hint: 'Export AWS credentials (and AWS_SESSION_TOKEN for temporary ones) where the proxy runs, or send a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) from the client.',
      },
    );
  }
  const sessionToken = process.env.AWS_SESSION_TOKEN || undefined;
  const unsigned: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if ((SIGNATURE_HEADERS as readonly string[]).includes(name)) continue;
    unsigned[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const { url } = request;
  unsigned.host = url.host;
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const had = query[k];
    query[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
  }
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]);
  const signer = new SignatureV4({
    service: 'bedrock',
    region: signingRegion(url.hostname),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    // As on the wire: model ids stay percent-encoded (`%3A`), and the signer encodes them once more, as AWS expects.
    path: url.pathname,
    query,
    headers: unsigned,
    body: request.body,
  });
  return signed.headers;
}
