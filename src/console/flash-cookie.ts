/**
 * A one-shot message after a redirect ("Respuesta enviada al vecino."), without server-side
 * session state: a short-lived cookie carries only the name of the action that succeeded, and
 * the page looks the sentence up in the locales. Nothing an attacker sets can become page text.
 */
import type { Request, Response } from 'express';
import { CONSOLE_ACTIONS } from './action-form';
import type { TicketActionType } from '../tickets/ticket-service-types';

export const FLASH_COOKIE = 'av_flash';
const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax', path: '/tickets' } as const;

export function setFlash(res: Response, action: TicketActionType): void {
  res.cookie(FLASH_COOKIE, action, { ...COOKIE_OPTIONS, maxAge: 60_000 });
}

export function clearFlash(res: Response): void {
  res.clearCookie(FLASH_COOKIE, COOKIE_OPTIONS);
}

/** The action named by the flash cookie, if it is one the console knows. */
export function readFlash(req: Request): TicketActionType | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === FLASH_COOKIE && value && (CONSOLE_ACTIONS as readonly string[]).includes(value)) {
      return value as TicketActionType;
    }
  }
  return null;
}
