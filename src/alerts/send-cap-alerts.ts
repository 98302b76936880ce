/**
 * Tells the supervisors of a town when a daily SMS cap was reached (issue 7.3): a cap that
 * silently stops messages would hide both an attack and a real emergency. Called by the send
 * caps once per cap and day; the rows have the exempt kind `cap_alert`, so the alert itself is
 * never stopped by the cap it reports, and derived ids make a repeated call write nothing new.
 */
import type { Language } from '../domain/resident';
import type { Translator } from '../i18n/translator';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import { CAP_ALERT_KIND, type CapHit } from '../messaging/outbound/send-caps';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import { UniqueViolationError } from '../store/repository';
import { supervisorRecipients } from './alert-recipients';
import { derivedId } from './derived-id';
import { staffAlertRows } from './staff-alert-rows';

export interface SendCapAlertsDeps {
  repo: Pick<Repository, 'getLocality' | 'listUsers' | 'commit'>;
  translator: Pick<Translator, 'render'>;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  logger: Logger;
  now: () => string;
  staffLanguage?: Language;
}

export function createSendCapAlerts(deps: SendCapAlertsDeps): (hit: CapHit) => Promise<string[]> {
  return async (hit) => {
    const locality = hit.localityId ? await deps.repo.getLocality(hit.localityId) : null;
    const recipients = hit.localityId
      ? await supervisorRecipients(deps.repo, hit.localityId)
      : (await deps.repo.listUsers())
          .filter((u): u is typeof u & { phone: string } => u.role === 'admin' && Boolean(u.phone) && !u.disabledAt)
          .map((u) => ({ id: u.id, name: u.name, role: u.role, phone: u.phone, language: u.language ?? null }));
    // Each staff member reads the alert in their own language (issue 10).
    const text = (recipient: { language: Language | null }) =>
      deps.translator.render('abuse.cap_alert', recipient.language ?? deps.staffLanguage ?? 'es', { kind: hit.kind, locality: locality?.name ?? '-' });
    const rows = staffAlertRows({
      recipients,
      text,
      ticketId: null,
      locality,
      now: deps.now(),
      idFor: (recipient) => derivedId('send_cap_alert', hit.kind, hit.localityId ?? 'none', hit.day, hit.outboxId, recipient.id),
      kind: CAP_ALERT_KIND,
    });
    deps.logger.warn({ kind: hit.kind, localityId: hit.localityId, day: hit.day, supervisors: rows.length }, 'daily SMS cap reached; supervisors alerted');
    if (rows.length === 0) return [];
    try {
      await deps.repo.commit({ outbox: rows });
    } catch (error) {
      if (!(error instanceof UniqueViolationError)) throw error;
    }
    await deps.dispatcher.enqueue(rows.map((row) => row.id));
    return rows.map((row) => row.id);
  };
}
