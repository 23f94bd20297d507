// The last word on errors nothing else answered (a malformed URL the router cannot decode, a handler
// that passed an error on): a Status, never express's HTML page with a stack trace.
import type { NextFunction, Request, Response } from 'express';
import { StatusError, badRequest } from '../../api/errors.ts';
import { sendError } from '../respond.ts';

export function answerUnhandled(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const code = (err as { status?: unknown } | null)?.status;
  if (!(err instanceof StatusError) && typeof code === 'number' && code >= 400 && code < 500) {
    sendError(res, badRequest(err instanceof Error ? err.message : String(err)));
    return;
  }
  sendError(res, err);
}
