/* eslint-disable import/no-extraneous-dependencies -- types of the SDK the handler bundles with esbuild */
import type { ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';

/** The canary's one user message: a few input tokens (about ten with the model's message framing). */
export const CANARY_PROMPT = 'Reply with the word OK.';

/**
 * The smallest Converse request that proves the model answers: one short user message, at most one
 * output token. A run costs about ten input tokens and one output token at the profile's price.
 */
export function canaryRequest(profileId: string): ConverseCommandInput {
  return {
    modelId: profileId,
    messages: [{ role: 'user', content: [{ text: CANARY_PROMPT }] }],
    inferenceConfig: { maxTokens: 1 },
  };
}
