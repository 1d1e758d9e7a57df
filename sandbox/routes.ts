// What the sandbox answers on its two provider routes, as pure functions of the request body: the
// same simulation formulas as the in-process simulator, so HTTP and in-process answers agree.
import { z } from 'zod';
import { fraudFlagSchema } from '../src/domain/results.ts';
import { PROPERTY_TYPES, US_STATES } from '../src/domain/schemas.ts';
import { simulateAvmQuote, simulateFraudReview } from '../src/providers/simulated-quotes.ts';

export const AVM_ROUTE = /^\/avm\/([^/]+)\/valuations$/;
export const CHAT_ROUTE = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

const avmBodySchema = z.object({
  property: z.object({
    propertyId: z.string().min(1),
    address: z.string(),
    unit: z.string().optional(),
    city: z.string().optional(),
    state: z.enum(US_STATES),
    zip: z.string(),
    propertyType: z.enum(PROPERTY_TYPES),
    livingAreaSqft: z.number().positive().optional(),
    units: z.number().int().positive().optional(),
    yearBuilt: z.number().int().optional(),
  }),
});

const chatBodySchema = z.object({
  messages: z.array(z.object({ role: z.string(), content: z.string() })).min(1),
});

const reviewRequestSchema = z.object({
  propertyId: z.string().min(1),
  state: z.enum(US_STATES),
  zip: z.string(),
  propertyType: z.enum(PROPERTY_TYPES),
  currentValue: z.number().optional(),
  rulesScore: z.number().min(0).max(100),
  flags: z.array(fraudFlagSchema),
});

export type RouteResult = { ok: true; propertyId: string; body: unknown } | { ok: false; message: string };

export function answerValuation(provider: string, body: unknown, valuedAt: string): RouteResult {
  const parsed = avmBodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: z.prettifyError(parsed.error) };
  const property = parsed.data.property;
  const quote = simulateAvmQuote(provider, property, valuedAt);
  return { ok: true, propertyId: property.propertyId, body: quote };
}

/** An Azure OpenAI chat completion whose message is the review as a JSON string. */
export function answerChat(deployment: string, body: unknown, created: number): RouteResult {
  const chat = chatBodySchema.safeParse(body);
  if (!chat.success) return { ok: false, message: z.prettifyError(chat.error) };
  const user = chat.data.messages.findLast((m) => m.role === 'user');
  if (!user) return { ok: false, message: 'no user message' };
  let content: unknown;
  try {
    content = JSON.parse(user.content);
  } catch {
    return { ok: false, message: 'user message is not JSON' };
  }
  const request = reviewRequestSchema.safeParse(content);
  if (!request.success) return { ok: false, message: z.prettifyError(request.error) };
  const { riskScore, verdict, summary } = simulateFraudReview(deployment, request.data);
  return {
    ok: true,
    propertyId: request.data.propertyId,
    body: {
      id: `chatcmpl-${request.data.propertyId}`,
      object: 'chat.completion',
      created: Math.floor(created / 1000),
      model: deployment,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: JSON.stringify({ riskScore, verdict, summary }) },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    },
  };
}
