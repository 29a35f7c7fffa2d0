/** GitHub's error bodies: `message` plus `documentation_url`, and `errors` for validation failures. */
import type { FakeRequest, FakeResponse } from './router.js';

const DOCS = 'https://docs.github.com/rest';

export interface FieldError {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}

export const failure = (status: number, message: string, docs = DOCS): FakeResponse => ({ status, body: { message, documentation_url: docs } });

export const validationFailed = (errors: FieldError[], message = 'Validation Failed', docs = DOCS): FakeResponse => ({
  status: 422,
  body: { message, errors, documentation_url: docs },
});

export const emptyRepository = (): FakeResponse => failure(409, 'Git Repository is empty.');

/** The JSON body of a request, or the 400 GitHub answers for a body it cannot parse. */
export function jsonBody(req: FakeRequest): { ok: true; body: Record<string, unknown> } | { ok: false; response: FakeResponse } {
  try {
    const parsed: unknown = req.body ? JSON.parse(req.body) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { ok: true, body: parsed as Record<string, unknown> };
  } catch {
    // answered below, as GitHub does
  }
  return { ok: false, response: failure(400, 'Problems parsing JSON') };
}
