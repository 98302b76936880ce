/**
 * Reads a Twilio webhook's form into `req.body` as `express.urlencoded({ extended: false })` does,
 * without its general machinery (issue 11: body-parser, raw-body, type-is and `qs` were ~6% of
 * the webhook's CPU). Twilio always posts the plain case: `application/x-www-form-urlencoded`
 * in UTF-8, uncompressed, with a Content-Length under the limit. That case is read here; anything
 * else (another charset or type, a compressed or chunked body, a body over the limit) is handed to
 * `express.urlencoded` itself, so its answers (413, 415, 400) stay what they were.
 *
 * The form is parsed as `qs` parses it for body-parser (repeated fields become arrays, `+` is a
 * space, a value that is not valid UTF-8 percent-encoding stays as it came, empty and `__proto__`
 * keys are dropped). A form with brackets (`a[b]=c`, which `qs` reads its own way) is parsed by
 * `qs` with body-parser's options. test/http/twilio-form-body.test.ts compares both on many forms.
 */
import express, { type RequestHandler } from 'express';
import qs from 'qs';

export interface TwilioFormBodyOptions {
  /** Bytes, e.g. `64 * 1024`. */
  limit: number;
  /** More fields than this is a 413, as with body-parser; default 1000. */
  parameterLimit?: number;
}

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;\s*charset\s*=\s*(utf-8|"utf-8")\s*)?$/i;
const BRACKET = /[[\]]|%5[bd]/i;

export function twilioFormBody(options: TwilioFormBodyOptions): RequestHandler {
  const parameterLimit = options.parameterLimit ?? 1000;
  const general = express.urlencoded({ extended: false, limit: options.limit, parameterLimit });

  return (req, res, next) => {
    const { headers } = req;
    const length = Number(headers['content-length']);
    const plain =
      length > 0 &&
      length <= options.limit &&
      headers['transfer-encoding'] === undefined &&
      (headers['content-encoding'] === undefined || headers['content-encoding'].toLowerCase() === 'identity') &&
      FORM_TYPE.test(headers['content-type'] ?? '') &&
      !req.readableEnded &&
      !req.destroyed;
    if (!plain) {
      general(req, res, next);
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      if (error) {
        next(error);
        return;
      }
      try {
        req.body = parseForm(Buffer.concat(chunks, received).toString('utf8'), parameterLimit);
      } catch (parseError) {
        next(parseError);
        return;
      }
      next();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () =>
      finish(received === length ? null : httpError(400, 'request size did not match content length', 'request.size.invalid'));
    const onAbort = () => finish(httpError(400, 'request aborted', 'request.aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  };
}

/**
 * @example parseForm('From=%2B51987654321&Body=no+hay+agua', 1000) // { From: '+51987654321', Body: 'no hay agua' }
 */
export function parseForm(text: string, parameterLimit: number): Record<string, unknown> {
  // iconv-lite, which body-parser decodes with, drops a UTF-8 byte-order mark.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return {};
  const parts = body.split('&');
  if (parts.length > parameterLimit) throw httpError(413, 'too many parameters', 'parameters.too.many');
  if (BRACKET.test(body)) {
    return qs.parse(body, { allowPrototypes: true, arrayLimit: parts.length, depth: 0, charset: 'utf-8', parameterLimit, strictDepth: true });
  }
  const form: Record<string, unknown> = {};
  for (const part of parts) {
    const equals = part.indexOf('=');
    const key = decode(equals === -1 ? part : part.slice(0, equals));
    if (key === '' || key === '__proto__') continue;
    const value = equals === -1 ? '' : decode(part.slice(equals + 1));
    if (!Object.hasOwn(form, key)) form[key] = value;
    else if (Array.isArray(form[key])) (form[key] as string[]).push(value);
    else form[key] = [form[key], value];
  }
  return form;
}

/** `qs`'s UTF-8 decoder: `+` is a space; a malformed escape leaves the text as it came. */
function decode(text: string): string {
  const spaced = text.indexOf('+') === -1 ? text : text.replace(/\+/g, ' ');
  if (spaced.indexOf('%') === -1) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** The shape body-parser's errors have (`status`, `type`), which the webhooks' error handlers read. */
function httpError(status: number, message: string, type: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}
