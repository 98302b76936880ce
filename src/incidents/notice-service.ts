/**
 * Planned interruptions (avisos de corte) and water-truck schedules: checked, previewed (the SMS
 * exactly as a resident will read it, and how many people it will reach), then stored with their
 * broadcast and sent through the outbox. The same rules hold for the console, the REST API and
 * the operator's `AVISO` SMS: an unknown sector, a window that already ended, ends before it
 * starts or is longer than `maxWindowHours`, or a text whose SMS needs more than 2 segments is
 * refused with the reason ({@link NoticeRefusedError}) and nothing is stored or sent.
 *
 * @example
 *   const preview = await notices.preview(user, { localityId, kind: 'planned_cut', sectors: ['Centro'],
 *     startsAt: '2026-12-02T13:00:00Z', endsAt: '2026-12-02T23:00:00Z', text: 'Cambio de válvula.' });
 *   const { notice, broadcast } = await notices.send(user, preview.request);
 */
import { assertLocalityAccess } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Broadcast, Notice, NoticeKind } from '../domain/incident';
import { LANGUAGES } from '../domain/resident';
import type { Translator } from '../i18n/translator';
import { adaptForChannel } from '../i18n/channel-text';
import { measureSms } from '../i18n/sms-segments';
import type { Logger } from '../shared/logger';
import { NotFoundError, type Repository } from '../store/repository';
import type { CommitteeRecipients } from '../broadcasts/broadcast-recipients';
import { worstSegments } from '../broadcasts/broadcast-text';
import { NoticeRefusedError } from './incident-errors';
import { sectorKeyPart } from './incident-link-rules';
import { formatNoticeTime } from './notice-time';

export interface NoticeRequest {
  localityId: string;
  kind: NoticeKind;
  sectors: string[];
  /** ISO-8601 instants. */
  startsAt: string;
  endsAt: string;
  text: string;
}

export interface NoticePreview {
  /** The request as it will be stored: sectors spelled as the locality has them, text trimmed. */
  request: NoticeRequest;
  /** The Spanish SMS as residents will receive it (GSM-7). */
  sms: string;
  segments: number;
  residents: number;
  committee: number;
  total: number;
}

export interface NoticeServiceDeps {
  repo: Repository;
  translator: Pick<Translator, 'render'>;
  now: () => string;
  newId: () => string;
  logger: Logger;
  /** NOTICE_MAX_WINDOW_HOURS. */
  maxWindowHours: number;
  committeeRecipients: CommitteeRecipients;
  dispatchBroadcast: (broadcastId: string) => Promise<void>;
}

export interface NoticeService {
  preview(user: AuthenticatedUser, request: NoticeRequest): Promise<NoticePreview>;
  /** Checks again (time has passed since the preview), stores notice + broadcast, queues it. */
  send(user: AuthenticatedUser, request: NoticeRequest): Promise<{ notice: Notice; broadcast: Broadcast; preview: NoticePreview }>;
  list(user: AuthenticatedUser, localityId: string): Promise<Array<{ notice: Notice; broadcast: Broadcast | null }>>;
}

export function createNoticeService(deps: NoticeServiceDeps): NoticeService {
  const refuse = (reason: NoticeRefusedError['reason'], detail: string, message: string): never => {
    throw new NoticeRefusedError(reason, detail, message);
  };

  async function check(user: AuthenticatedUser, request: NoticeRequest): Promise<{ request: NoticeRequest; timeZone: string }> {
    assertLocalityAccess(user, request.localityId);
    const locality = await deps.repo.getLocality(request.localityId);
    if (!locality) throw new NotFoundError('locality', request.localityId);
    const sectors: string[] = [];
    for (const typed of request.sectors.map((s) => s.trim()).filter(Boolean)) {
      const known = locality.sectors.find((s) => sectorKeyPart(s) === sectorKeyPart(typed));
      if (!known) refuse('unknown_sector', typed, `"${typed}" is not a sector of ${locality.name}`);
      else if (!sectors.includes(known)) sectors.push(known);
    }
    if (sectors.length === 0) refuse('unknown_sector', '', 'name at least one sector');
    const startsMs = Date.parse(request.startsAt);
    const endsMs = Date.parse(request.endsAt);
    if (Number.isNaN(startsMs) || Number.isNaN(endsMs)) refuse('bad_format', '', 'the window needs a start and an end');
    if (endsMs <= Date.parse(deps.now())) refuse('in_past', '', 'the window has already ended');
    if (endsMs <= startsMs) refuse('ends_before_start', '', 'the window ends before it starts');
    if (endsMs - startsMs > deps.maxWindowHours * 3_600_000) refuse('too_long', String(deps.maxWindowHours), `the window is longer than ${deps.maxWindowHours} h`);
    const text = request.text.replace(/\s+/g, ' ').trim();
    if (text === '') refuse('empty_text', '', 'the notice needs a text');
    return {
      request: { localityId: locality.id, kind: request.kind, sectors, startsAt: new Date(startsMs).toISOString(), endsAt: new Date(endsMs).toISOString(), text },
      timeZone: locality.timeZone,
    };
  }

  function render(request: NoticeRequest, timeZone: string, language: (typeof LANGUAGES)[number]): string {
    return deps.translator.render('notice.broadcast', language, {
      kind: request.kind,
      sectors: request.sectors.join(', '),
      from: formatNoticeTime(request.startsAt, timeZone, language),
      to: formatNoticeTime(request.endsAt, timeZone, language),
      text: request.text,
    });
  }

  async function preview(user: AuthenticatedUser, raw: NoticeRequest): Promise<NoticePreview> {
    const { request, timeZone } = await check(user, raw);
    const segments = worstSegments((language) => render(request, timeZone, language));
    if (segments > 2) refuse('text_too_long', String(segments), `the SMS would need ${segments} segments`);
    const [residents, committee] = await Promise.all([
      deps.repo.countNoticeRecipients({ localityId: request.localityId, sectors: request.sectors }),
      deps.committeeRecipients(request.localityId),
    ]);
    const sms = adaptForChannel(render(request, timeZone, 'es'), 'sms');
    return { request, sms, segments: measureSms(sms).segments, residents, committee: committee.length, total: residents + committee.length };
  }

  return {
    preview,

    async send(user, raw) {
      const checked = await preview(user, raw);
      const { request } = checked;
      const now = deps.now();
      const notice: Notice = { id: deps.newId(), ...request, createdBy: user.id, createdAt: now, cancelledAt: null, broadcastId: null };
      const broadcast: Broadcast = {
        id: deps.newId(),
        localityId: request.localityId,
        kind: 'notice',
        incidentId: null,
        noticeId: notice.id,
        text: request.text,
        createdBy: user.id,
        createdAt: now,
        status: 'pending',
        recipientCount: null,
        completedAt: null,
      };
      notice.broadcastId = broadcast.id;
      await deps.repo.commit({ noticesCreated: [notice], broadcastsCreated: [broadcast] });
      deps.logger.info({ noticeId: notice.id, broadcastId: broadcast.id, userId: user.id, sectors: request.sectors.length, reach: checked.total }, 'planned-cut notice stored');
      await deps.dispatchBroadcast(broadcast.id).catch((error: unknown) =>
        deps.logger.warn({ broadcastId: broadcast.id, err: { message: (error as Error).message } }, 'notice not queued now; the start-up rebuild queues it'),
      );
      return { notice, broadcast, preview: checked };
    },

    async list(user, localityId) {
      assertLocalityAccess(user, localityId);
      const notices = await deps.repo.listNotices({ localityId, limit: 50 });
      return Promise.all(notices.map(async (notice) => ({ notice, broadcast: notice.broadcastId ? await deps.repo.getBroadcast(notice.broadcastId) : null })));
    },
  };
}
