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

/** What the next page should say: which action succeeded and whether the resident was told. */
export interface Flash {
  action: TicketActionType;
  /** True when the action should have messaged the resident but could not (opted out, no text). */
  unsent: boolean;
}

export function setFlash(res: Response, flash: Flash): void {
  res.cookie(FLASH_COOKIE, flash.unsent ? `${flash.action}.unsent` : flash.action, { ...COOKIE_OPTIONS, maxAge: 60_000 });
}

export function clearFlash(res: Response): void {
  res.clearCookie(FLASH_COOKIE, COOKIE_OPTIONS);
}

/** The flash named by the cookie, if it names an action the console knows. */
export function readFlash(req: Request): Flash | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name !== FLASH_COOKIE || !value) continue;
    const [action, suffix] = value.split('.');
    if (action && (CONSOLE_ACTIONS as readonly string[]).includes(action) && (suffix === undefined || suffix === 'unsent')) {
      return { action: action as TicketActionType, unsent: suffix === 'unsent' };
    }
  }
  return null;
}
