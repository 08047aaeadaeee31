/** Contract drift (SPEC §8): what the CLI, the proxy's smoke mode and tests import. */
export type {
  Contract,
  ContractConfig,
  EndpointContract,
  Evidence,
  FailOn,
  Finding,
  PathContract,
  Severity,
  StreamGrammar,
} from './contract-types.js';
export { DEFAULT_CONTRACTS_DIR } from './contract-types.js';
export { applyContractConfig, today } from './apply-config.js';
export { builtinSchemaFor, validateSample } from './builtin-schemas.js';
export { checkAnswer } from './check-answer.js';
export { CHECKS, atOrAbove, compareFindings, countBySeverity, type CheckId } from './classify-finding.js';
export { contractPath, readContract, readContracts, stableStringify, writeContract } from './contract-files.js';
export { diffContract, diffEndpoint } from './diff-contract.js';
export { endpointOf, interactionRef, routeTemplate } from './endpoint-of.js';
export { ContractBuilder, inferContracts } from './infer-contract.js';
export { readSamples } from './read-samples.js';
export { renderJson } from './render-json.js';
export { renderJunit } from './render-junit.js';
export { renderMarkdown } from './render-markdown.js';
export { renderText } from './render-text.js';
export { checkInteractions, runContractCheck, type ContractCheckOptions, type ContractCheckResult } from './run-contract-check.js';
export { runContractUpdate, updateFromInteractions, type ContractUpdateOptions, type ContractUpdateResult } from './run-contract-update.js';
