import { isRecord } from '../../util/is-record.js';
import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

const DEPLOYMENT = /\/deployments\/([^/]+)\//;

/**
 * Azure OpenAI: the OpenAI wire on a per-resource host (`https://<resource>.openai.azure.com`), at
 * `/openai/deployments/<deployment>/...?api-version=...` and the v1 path `/openai/v1/...`. The
 * deployment (path) and `api-version` (query) are part of the key as every path and query is; the
 * `api-key` header and Entra bearer tokens are never stored (no header outside the allow-list is).
 *
 * There is no global host: the upstream is the `AZURE_OPENAI_ENDPOINT` the proxy itself sees (the
 * variable the `openai` package's `AzureOpenAI` reads), a config provider named `azure`, or
 * `--upstream azure=https://<resource>.openai.azure.com`. A SUT's `AZURE_OPENAI_ENDPOINT` is then
 * pointed at the proxy (`<proxy>/azure`; the SDK adds `/openai`).
 */
export const azure: Provider = {
  ...openaiCompatible,
  name: 'azure',
  family: 'azure',
  upstreamEnv: 'AZURE_OPENAI_ENDPOINT',
  upstreamHint: 'Set AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com, or --upstream azure=https://<resource>.openai.azure.com.',
  baseUrlEnv: 'AZURE_OPENAI_ENDPOINT',
  baseUrlSuffix: '',
  apiKeyEnv: ['AZURE_OPENAI_API_KEY'],
  volatileResponseHeaders: [
    ...(openaiCompatible.volatileResponseHeaders ?? []),
    // Per-call ids and the serving region/instance of Azure's front door.
    'apim-request-id',
    'x-ms-client-request-id',
    'x-ms-region',
    'azureml-model-session',
    'x-ms-rai-invoked',
  ],
  apiKeyHeader(key) {
    return ['api-key', key];
  },
  // The v1 path names the model in the body; the deployment path names the deployment (the
  // `openai` SDK also keeps `model` in the body there).
  model(path, body) {
    return isRecord(body) && typeof body.model === 'string' ? body.model : DEPLOYMENT.exec(path)?.[1];
  },
  withModel(path, body, model) {
    return {
      path: path.replace(DEPLOYMENT, `/deployments/${encodeURIComponent(model)}/`),
      body: isRecord(body) && body.model !== undefined ? { ...body, model } : body,
    };
  },
};
