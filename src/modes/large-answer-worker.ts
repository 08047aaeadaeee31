// The thread that finishes large recorded answers (src/upstream/large-answer.ts): one task at a
// time, off the proxy's event loop.
import { parentPort } from 'node:worker_threads';
import { createRedactor } from '../safety/create-redactor.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { LargeAnswerResult, LargeAnswerTask } from '../upstream/large-answer-task.js';
import { finishLargeAnswer, resultBuffers } from './finish-large-answer.js';

/** The redactor of the last rules seen: a proxy's rules do not change between answers. */
let compiled: { key: string; redactor: Redactor } | undefined;

function redactorOf(rules: LargeAnswerTask['rules']): Redactor {
  const key = JSON.stringify(rules);
  if (compiled?.key !== key) compiled = { key, redactor: createRedactor(rules) };
  return compiled.redactor;
}

parentPort?.on('message', (task: LargeAnswerTask) => {
  let result: LargeAnswerResult;
  try {
    result = finishLargeAnswer(task, redactorOf(task.rules));
  } catch (err) {
    result = { id: task.id, error: (err as Error).message };
  }
  parentPort?.postMessage(result, resultBuffers(result));
});
