import type { FamilyName } from '../types.js';
import { anthropicFamily } from './anthropic-family.js';
import type { Family } from './family.js';
import { geminiFamily } from './gemini-family.js';
import { openaiFamily } from './openai-family.js';

const FAMILY_BY_NAME: Record<FamilyName, Family> = {
  openai: openaiFamily,
  anthropic: anthropicFamily,
  gemini: geminiFamily,
};

/** The family object for a family name. */
export function familyByName(name: FamilyName): Family {
  return FAMILY_BY_NAME[name];
}
