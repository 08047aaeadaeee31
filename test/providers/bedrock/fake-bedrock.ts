// A fake Bedrock Runtime on 127.0.0.1:0 speaking the real wire: JSON for Converse, binary AWS event
// streams (encoded with the SDK's own codec) for ConverseStream and InvokeModelWithResponseStream,
// and a SigV4 check of every request for its own host, recomputed with the same signer AWS uses.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { encodeEventStreamMessage } from '../../../src/stream/aws-eventstream.js';
import { startFakeUpstream, type FakeUpstream, type ReceivedRequest } from '../../helpers/fake-upstream.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/corpus/bedrock');

export function fixture(name: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
}

/** The wire bytes of one ConverseStream / InvokeModelWithResponseStream event message. */
export function eventBytes(type: string, payload: unknown): Buffer {
  const headers = { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' };
  return encodeEventStreamMessage(headers, Buffer.from(JSON.stringify(payload)));
}

/** The whole stream body of a fixture, message after message. */
export function streamBody(name: string): Buffer[] {
  const f = fixture(name);
  if (f.response.events) return f.response.events.map((e: { type: string; payload: unknown }) => eventBytes(e.type, e.payload));
  return f.response.chunks.map((c: unknown, i: number) =>
    eventBytes('chunk', { bytes: Buffer.from(JSON.stringify(c)).toString('base64'), p: 'abcdefghij'.slice(0, 1 + (i % 10)) }),
  );
}

export interface SignatureCheck {
  ok: boolean;
  accessKeyId?: string;
  reason?: string;
}

/**
 * Checks a request's SigV4 signature as AWS would for this host: the same canonical request
 * (signed headers only, the path as received, the body's hash), the same date and scope.
 */
export async function checkSignature(req: ReceivedRequest, secrets: Record<string, string>): Promise<SignatureCheck> {
  const auth = req.headers.authorization;
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth ?? '',
    );
  if (!m) return { ok: false, reason: `no SigV4 authorization (${auth ?? 'none'})` };
  const [, accessKeyId, region, service, signedHeaders, signature] = m as unknown as string[];
  const secret = secrets[accessKeyId as string];
  if (secret === undefined) return { ok: false, accessKeyId, reason: 'unknown access key' };
  const headers: Record<string, string> = {};
  for (const name of (signedHeaders as string).split(';')) headers[name] = String(req.headers[name] ?? '');
  const amzDate = String(req.headers['x-amz-date']);
  const date = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const signer = new SignatureV4({
    service: service as string,
    region: region as string,
    credentials: { accessKeyId: accessKeyId as string, secretAccessKey: secret },
    sha256: Sha256,
  });
  const [host, port] = (req.headers.host ?? '').split(':');
  const again = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: host as string,
      ...(port ? { port: Number(port) } : {}),
      path: req.path,
      query: {},
      headers,
      body: req.body,
    },
    { signingDate: date, signableHeaders: new Set(Object.keys(headers)) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(again.headers.authorization))?.[1];
  return expected === signature ? { ok: true, accessKeyId } : { ok: false, accessKeyId, reason: 'signature does not match' };
}

export interface FakeBedrock extends FakeUpstream {
  readonly signatures: SignatureCheck[];
}

/** Starts the fake Bedrock; `secrets` are the access keys it accepts. */
export async function startFakeBedrock(secrets: Record<string, string>): Promise<FakeBedrock> {
  const signatures: SignatureCheck[] = [];
  const upstream = await startFakeUpstream(async (req, res) => {
    const check = await checkSignature(req, secrets);
    signatures.push(check);
    if (!check.ok) {
      res.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/',
      });
      res.end(
        JSON.stringify({ message: `The request signature we calculated does not match the signature you provided (${check.reason})` }),
      );
      return;
    }
    const op = /\/([a-z-]+)$/.exec(req.path)?.[1];
    if (op === 'converse') {
      const f = fixture('converse-basic');
      res.writeHead(200, { ...f.response.headers });
      res.end(JSON.stringify(f.response.body));
      return;
    }
    const name =
      op === 'converse-stream' ? 'converse-stream-tool-use' : op === 'invoke-with-response-stream' ? 'invoke-stream-anthropic' : undefined;
    if (name === undefined) {
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
      res.end('{}');
      return;
    }
    res.writeHead(200, { ...fixture(name).response.headers });
    // HTTP chunks cut across message boundaries, as they do on the real wire.
    const bytes = Buffer.concat(streamBody(name));
    for (let at = 0; at < bytes.length; at += 97) {
      res.write(bytes.subarray(at, at + 97));
      await sleep(3);
    }
    res.end();
  });
  return Object.assign(upstream, { signatures });
}
