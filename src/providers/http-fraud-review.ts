// The AI fraud reviewer behind an Azure OpenAI chat-completions deployment. The model is asked for a
// JSON object; its answer is validated like any other provider's, and a malformed one is a
// bad_response, never a guess.
import { z } from 'zod';
import type { AiReview } from '../domain/results.ts';
import { ProviderError } from './errors.ts';
import { postJson, trimBaseUrl } from './http-request.ts';
import type { FetchFn } from './http-request.ts';
import type { FraudReviewProvider } from './types.ts';

export const AZURE_OPENAI_API_VERSION = '2024-10-21';

export interface HttpFraudReviewOptions {
  baseUrl: string;
  deployment: string;
  apiKey?: string | undefined;
  timeoutInMs: number;
  /** Name on the reviews; defaults to the deployment. */
  name?: string | undefined;
  fetch?: FetchFn | undefined;
}

export const FRAUD_REVIEW_SYSTEM_PROMPT = [
  'You review residential real-estate collateral for appraisal and valuation fraud.',
  'The user message is a JSON object: the property identity, its current value and the rule-based fraud score (0-100) with the flags that produced it.',
  'Answer with a JSON object only: {"riskScore": integer 0-100, "verdict": "clear" | "review" | "refer", "summary": one sentence naming the flag codes that matter}.',
  'Use "refer" for 70 and above, "review" for 40 to 69, "clear" below 40.',
].join(' ');

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

const reviewAnswerSchema = z.object({
  riskScore: z.number().min(0).max(100),
  verdict: z.enum(['clear', 'review', 'refer']),
  summary: z.string().min(1),
});

export function createHttpFraudReview(options: HttpFraudReviewOptions): FraudReviewProvider {
  const { apiKey, timeoutInMs, deployment } = options;
  const name = options.name ?? deployment;
  const url = `${trimBaseUrl(options.baseUrl)}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${AZURE_OPENAI_API_VERSION}`;
  const badResponse = (detail: string, cause?: unknown) =>
    new ProviderError({
      provider: name,
      kind: 'bad_response',
      status: 200,
      message: `${name} answered ${detail}`,
      cause,
    });

  return {
    name,
    async review(request, callOptions): Promise<AiReview> {
      const body = await postJson({
        provider: name,
        url,
        headers: apiKey === undefined ? {} : { 'api-key': apiKey },
        body: {
          messages: [
            { role: 'system', content: FRAUD_REVIEW_SYSTEM_PROMPT },
            { role: 'user', content: JSON.stringify(request) },
          ],
          response_format: { type: 'json_object' },
          // Same facts, same review: reruns of a job should not flip verdicts.
          temperature: 0,
        },
        timeoutInMs,
        signal: callOptions?.signal,
        fetch: options.fetch,
      });
      const completion = completionSchema.safeParse(body);
      if (!completion.success) throw badResponse(`an invalid completion: ${z.prettifyError(completion.error)}`);
      const content = (completion.data.choices[0] as { message: { content: string } }).message.content;
      let answer: unknown;
      try {
        answer = JSON.parse(content);
      } catch (error) {
        throw badResponse('a message that is not JSON', error);
      }
      const review = reviewAnswerSchema.safeParse(answer);
      if (!review.success) throw badResponse(`an invalid review: ${z.prettifyError(review.error)}`);
      return { provider: name, ...review.data };
    },
  };
}
