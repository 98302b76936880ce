/**
 * How the console answers an error from the ticket service. Operational errors (another
 * locality's ticket, an unknown id, an action the status does not allow, an unusable payload)
 * get a clear page and change nothing; anything else is a 500 and is logged.
 *
 * Errors are matched by their `code` rather than their class so that the same answer holds for
 * every store adapter's and service's error classes.
 */
import type { ConsoleText } from './console-views';

export type ConsoleErrorKind = 'forbidden' | 'not_found' | 'invalid_transition' | 'invalid_action' | 'ticket_changed' | 'unexpected';

export interface ClassifiedError {
  kind: ConsoleErrorKind;
  httpStatus: 403 | 404 | 409 | 422 | 500;
}

const BY_CODE: Record<string, ClassifiedError> = {
  forbidden: { kind: 'forbidden', httpStatus: 403 },
  not_found: { kind: 'not_found', httpStatus: 404 },
  ticket_not_found: { kind: 'not_found', httpStatus: 404 },
  invalid_transition: { kind: 'invalid_transition', httpStatus: 409 },
  invalid_action: { kind: 'invalid_action', httpStatus: 422 },
  ticket_changed: { kind: 'ticket_changed', httpStatus: 409 },
};

/**
 * The console checks that texts are present before asking the ticket service, so a payload the
 * service still refuses names something that does not exist (a canned reply, an assignee).
 */
const ACTION_REFUSALS: Record<string, string> = {
  reply: 'console.error.unknown_canned',
  assign: 'console.error.unknown_assignee',
  resolve: 'console.error.resolution_note_required',
  add_note: 'console.error.note_empty',
};

export function classifyError(error: unknown): ClassifiedError {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && BY_CODE[code]) || { kind: 'unexpected', httpStatus: 500 };
}

/**
 * The operator-facing sentence for an action the ticket service refused.
 *
 * @example "No se puede «Resolver» un reclamo «Cerrado». No se cambió nada."
 */
export function refusalMessage(error: unknown, text: ConsoleText): string {
  const { kind } = classifyError(error);
  if (kind === 'invalid_transition') {
    const { action, status } = error as { action?: unknown; status?: unknown };
    if (typeof action === 'string' && typeof status === 'string') {
      return text.t('console.error.invalid_transition', {
        action: text.label(`console.action.${action}`, action),
        status: text.label(`console.status.${status}`, status),
      });
    }
    return text.t('console.error.invalid_transition_generic');
  }
  const action = (error as { action?: unknown }).action;
  return text.t(typeof action === 'string' && ACTION_REFUSALS[action] ? ACTION_REFUSALS[action] : 'console.error.invalid_action');
}
