// The AWS SDK's Bedrock client as it comes (NodeHttp2Handler: HTTP/2 only) against the proxy's
// --tls listener, in a child process that trusts the proxy's self-signed certificate through
// NODE_EXTRA_CA_CERTS and finds the proxy through AWS_ENDPOINT_URL_BEDROCK_RUNTIME, as
// `cassette run` would set them. Records in live, replays in golden with the upstream shut down.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../../helpers/cleanup.js';
import { startProxy } from '../../helpers/proxy.js';
import { startFakeBedrock } from './fake-bedrock.js';

useCleanup();

const SDK = pathToFileURL(createRequire(import.meta.url).resolve('@aws-sdk/client-bedrock-runtime')).href;
const PROXY_KEYS = { AWS_ACCESS_KEY_ID: 'AKIAPROXYEXAMPLE0002', AWS_SECRET_ACCESS_KEY: 'proxy-secret-h2' };
const saved: Record<string, string | undefined> = {};

beforeEach(() => {
  for (const [k, v] of Object.entries(PROXY_KEYS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const CHILD = `
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from ${JSON.stringify(SDK)};
const client = new BedrockRuntimeClient({ region: 'us-east-1', maxAttempts: 1 });
const handler = client.config.requestHandler.constructor.name;
const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
const ask = (text) => ({ modelId, messages: [{ role: 'user', content: [{ text }] }] });
const out = { handler };
try {
  const whole = await client.send(new ConverseCommand(ask('Say hello')));
  out.text = whole.output.message.content[0].text;
  const streamed = await client.send(new ConverseStreamCommand(ask('Weather in Paris?')));
  out.events = [];
  for await (const e of streamed.stream) out.events.push(e);
} catch (e) {
  out.error = { name: e.name, message: e.message };
}
client.destroy();
process.stdout.write(JSON.stringify(out));
`;

function runChild(script: string, env: NodeJS.ProcessEnv): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`child said: ${stdout}\n${stderr}`));
      }
    });
  });
}

describe('Bedrock over HTTP/2 on the --tls listener', () => {
  it('serves the default AWS SDK client (HTTP/2) in live and in golden', async () => {
    const dir = tempDir();
    const script = join(dir, 'bedrock-child.mjs');
    writeFileSync(script, CHILD);
    const store = tempStore();
    const env = { CASSETTE_TLS_DIR: join(dir, 'tls') };
    const upstream = await startFakeBedrock({ [PROXY_KEYS.AWS_ACCESS_KEY_ID]: PROXY_KEYS.AWS_SECRET_ACCESS_KEY });
    const childEnv = (proxyEnv: Record<string, string>) => ({
      PATH: process.env.PATH,
      AWS_ACCESS_KEY_ID: 'AKIACLIENTEXAMPLE002',
      AWS_SECRET_ACCESS_KEY: 'client-secret-h2',
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: proxyEnv.AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
      NODE_EXTRA_CA_CERTS: proxyEnv.NODE_EXTRA_CA_CERTS,
    });

    const live = await startProxy(
      { mode: 'live', store, episode: 'bedrock-h2', tls: true, upstream: [`bedrock=${upstream.url}`] },
      { env },
    );
    expect(live.url).toMatch(/^https:/);
    expect(live.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME).toBe(`${live.url}/bedrock`);
    const recorded = await runChild(script, childEnv(live.env));
    await live.stop();
    expect(recorded.error).toBeUndefined();
    expect(recorded.handler).toBe('NodeHttp2Handler');
    expect(recorded.text).toBe('Hello! How can I help you today?');
    expect(recorded.events.at(-1)).toMatchObject({ metadata: { usage: { outputTokens: 64 } } });
    expect(upstream.signatures.every((s) => s.ok)).toBe(true);

    await upstream.stop();
    const connections = upstream.connections;
    const golden = await startProxy({ mode: 'golden', store, episode: 'bedrock-h2', tls: true }, { env });
    const replayed = await runChild(script, childEnv(golden.env));
    await golden.stop();
    expect(replayed).toEqual(recorded);
    expect(upstream.connections).toBe(connections);
  });
});
