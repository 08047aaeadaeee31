// AWS SDK for Bedrock Runtime: reads AWS_ENDPOINT_URL_BEDROCK_RUNTIME (set by `cassette run`).
// The client speaks HTTP/2 by default, which needs TLS; over the proxy's plain HTTP use the
// HTTP/1.1 handler (or run the proxy with --tls, see docs/bedrock.md).
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const client = new BedrockRuntimeClient({ requestHandler: new NodeHttpHandler() }); // region and keys from AWS_*
const answer = await client.send(
  new ConverseCommand({
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    messages: [{ role: 'user', content: [{ text: 'Say hello in one word.' }] }],
  }),
);
console.log(answer.output.message.content[0].text);
