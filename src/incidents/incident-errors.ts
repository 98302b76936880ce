/**
 * Refusals of incident and notice actions: the action changed nothing and the operator is told
 * why (console flash, API 409/422, operator SMS). `reason` is a stable word that the locales
 * turn into text (`incident_staff.refused`, `notice_staff.refused`).
 */
export type IncidentRefusal =
  | 'not_linked'
  | 'different_locality'
  | 'not_open'
  | 'same_incident'
  | 'text_too_long'
  | 'empty_text'
  | 'no_tickets';

export class IncidentActionError extends Error {
  readonly code = 'incident_refused';
  constructor(readonly reason: IncidentRefusal, message: string) {
    super(message);
    this.name = 'IncidentActionError';
  }
}

export type NoticeRefusal = 'unknown_sector' | 'in_past' | 'ends_before_start' | 'too_long' | 'text_too_long' | 'empty_text' | 'bad_format' | 'no_draft';

export class NoticeRefusedError extends Error {
  readonly code = 'notice_refused';
  constructor(readonly reason: NoticeRefusal, readonly detail: string, message: string) {
    super(message);
    this.name = 'NoticeRefusedError';
  }
}
