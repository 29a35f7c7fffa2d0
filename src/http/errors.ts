/**
 * Errors in the shape Backstage's backend returns them, so Backstage clients show them as they would:
 * `{ error: { name, message }, request: { method, url }, response: { statusCode } }`. Never a stack.
 */
import type { Request } from 'express';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

export const inputError = (message: string) => new HttpError(400, 'InputError', message);
export const notFound = (message: string) => new HttpError(404, 'NotFoundError', message);

export function errorBody(req: Request, status: number, name: string, message: string, requestId?: string) {
  return {
    error: { name, message },
    request: { method: req.method, url: req.originalUrl, ...(requestId ? { id: requestId } : {}) },
    response: { statusCode: status },
  };
}
