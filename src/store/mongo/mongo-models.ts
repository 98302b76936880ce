/**
 * Mongoose models for the scale-out store. Documents use our own id string as `_id`; times stay
 * ISO-8601 strings (they sort correctly as text and come back byte-for-byte as the domain wrote
 * them); free-form values (details, media, location, timeline data) are Mixed so they round-trip
 * unchanged. Two hidden fields exist only for ordering and are stripped on read: `ord` (an
 * ObjectId taken at insert, breaking ties between rows with the same timestamp in insertion
 * order) and `dueSort` on tickets (the next open deadline, or a far-future stand-in, so "no
 * deadline" sorts last as it does in SQLite; kept right by mongo-ticket-due).
 */
import { Schema, type Connection, type Model } from 'mongoose';

export type StoreDoc = Record<string, unknown>;
export type StoreModel = Model<StoreDoc>;

const { Mixed, ObjectId } = Schema.Types;

const id = { type: String, required: true };
// Not `required`: mongoose's required check refuses '' (an inbound message may have an empty body).
const text = { type: String };
const nullableText = { type: String, default: null };
const nullableFlag = { type: Boolean, default: null };
const flag = { type: Boolean, required: true };
const count = { type: Number, required: true };
const strings = { type: [String], required: true };
const mixed = { type: Mixed, default: null };

const OPTIONS = { versionKey: false, minimize: false, id: false, autoIndex: false, autoCreate: false } as const;

function schema(collection: string, fields: Record<string, unknown>): Schema<StoreDoc> {
  return new Schema<StoreDoc>({ _id: id, ...fields }, { ...OPTIONS, collection });
}

const locality = schema('localities', {
  slug: text,
  name: text,
  timeZone: text,
  sectors: strings,
  phoneNumbers: strings,
  isCatchAll: flag,
  createdAt: text,
  // Publication settings: absent = defaults, as in the domain type.
  minCellSize: { type: Number },
  summaryWeekday: { type: Number },
  summaryHour: { type: Number },
});
locality.index({ slug: 1 }, { unique: true });
locality.index({ phoneNumbers: 1, createdAt: 1 });
locality.index({ isCatchAll: 1, createdAt: 1 });

const resident = schema('residents', {
  phone: text,
  localityId: nullableText,
  language: text,
  gender: nullableText,
  genderAskedAt: nullableText,
  privacyNoticeSentAt: nullableText,
  optedOut: flag,
  lastInboundAt: nullableText,
  lastWhatsappInboundAt: nullableText,
  createdAt: text,
  updatedAt: text,
});
resident.index({ phone: 1 }, { unique: true });
resident.index({ localityId: 1 });

const inbound = schema('inbound_messages', {
  providerSid: text,
  channel: text,
  fromPhone: text,
  toPhone: text,
  body: text,
  media: { type: Mixed, default: () => [] },
  location: mixed,
  receivedAt: text,
  processedAt: nullableText,
  residentId: nullableText,
  localityId: nullableText,
  // No defaults: absent until the first failure, as the domain type has them.
  processingFailures: { type: Number },
  lastFailureAt: text,
  lastFailureReason: text,
  failedAt: text,
  ord: { type: ObjectId, required: true },
});
inbound.index({ providerSid: 1 }, { unique: true });
inbound.index({ fromPhone: 1, processedAt: 1, receivedAt: 1, ord: 1 });
inbound.index({ processedAt: 1, receivedAt: 1, ord: 1 });
inbound.index({ residentId: 1, receivedAt: -1, ord: -1 });
inbound.index({ failedAt: -1, ord: -1 }, { partialFilterExpression: { failedAt: { $type: 'string' } } });

const ticket = schema('tickets', {
  reference: text,
  localityId: text,
  residentId: text,
  category: text,
  details: { type: Mixed, default: () => ({}) },
  sector: nullableText,
  location: mixed,
  channel: text,
  reporterGender: nullableText,
  reporterLanguage: text,
  priority: text,
  status: text,
  needsOperator: flag,
  assigneeId: nullableText,
  createdAt: text,
  updatedAt: text,
  firstResponseAt: nullableText,
  acknowledgedAt: nullableText,
  resolvedAt: nullableText,
  closedAt: nullableText,
  reopenCount: count,
  firstResponseDueAt: nullableText,
  resolutionDueAt: nullableText,
  slaBreachedAt: nullableText,
  resolutionNote: nullableText,
  residentConfirmedSolved: nullableFlag,
  residentRating: { type: Number, default: null },
  // No default: absent until linked, as the domain type has it (null is stored as absent).
  incidentId: text,
  dueSort: text,
});
ticket.index({ reference: 1 }, { unique: true });
ticket.index({ localityId: 1, status: 1, dueSort: 1, createdAt: 1, _id: 1 });
ticket.index({ status: 1, dueSort: 1, createdAt: 1, _id: 1 });
ticket.index({ localityId: 1, createdAt: -1, _id: -1 });
ticket.index({ createdAt: -1, _id: -1 });
ticket.index({ residentId: 1, createdAt: -1 });
ticket.index({ assigneeId: 1, status: 1 });
ticket.index({ incidentId: 1, createdAt: 1 }, { partialFilterExpression: { incidentId: { $type: 'string' } } });
ticket.index({ residentId: 1, localityId: 1, sector: 1 });

const timeline = schema('ticket_timeline', {
  ticketId: text,
  at: text,
  type: text,
  actor: text,
  text: nullableText,
  isPublic: flag,
  // No default: absent reads back as absent (not published), like SQLite's NULL.
  isPublished: { type: Boolean },
  data: { type: Mixed, default: () => ({}) },
  ord: { type: ObjectId, required: true },
});
timeline.index({ ticketId: 1, at: 1, ord: 1 });

const outbox = schema('outbox', {
  residentId: nullableText,
  userId: nullableText,
  ticketId: nullableText,
  channel: text,
  toPhone: text,
  fromPhone: nullableText,
  body: text,
  kind: text,
  status: text,
  providerSid: nullableText,
  attempts: count,
  errorCode: nullableText,
  createdAt: text,
  updatedAt: text,
  broadcastId: text,
  ord: { type: ObjectId, required: true },
});
outbox.index({ status: 1, createdAt: 1, ord: 1 });
outbox.index({ broadcastId: 1, status: 1 }, { partialFilterExpression: { broadcastId: { $type: 'string' } } });
outbox.index({ providerSid: 1 }, { partialFilterExpression: { providerSid: { $type: 'string' } } });
outbox.index({ residentId: 1, createdAt: -1, ord: -1 });
outbox.index({ ticketId: 1, createdAt: 1 });
outbox.index({ toPhone: 1, createdAt: -1, ord: -1 });
// Ordered sending: a recipient's rows still to send, oldest first; small because only `queued` rows are in it.
const queuedOnly = { partialFilterExpression: { status: 'queued' } };
outbox.index({ residentId: 1, createdAt: 1, ord: 1 }, queuedOnly);
outbox.index({ userId: 1, createdAt: 1, ord: 1 }, queuedOnly);

const user = schema('users', {
  username: text,
  name: text,
  role: text,
  phone: nullableText,
  localityIds: strings,
  onDuty: flag,
  passwordHash: text,
  sessionVersion: { type: Number, default: 0 },
  // No defaults: absent until set, as the domain type has them.
  language: text,
  disabledAt: text,
  createdAt: text,
  updatedAt: text,
});
user.index({ username: 1 }, { unique: true });
user.index({ phone: 1 }, { unique: true, partialFilterExpression: { phone: { $type: 'string' } } });
user.index({ localityIds: 1 });

const apiToken = schema('api_tokens', {
  userId: text,
  tokenHash: text,
  label: text,
  createdAt: text,
  lastUsedAt: nullableText,
  revokedAt: nullableText,
});
apiToken.index({ tokenHash: 1 }, { unique: true });
apiToken.index({ userId: 1 });

// Issue 9: incidents, broadcasts, planned-cut notices and AVISOS subscriptions.
const incident = schema('incidents', {
  localityId: text,
  category: text,
  status: text,
  sectors: strings,
  location: mixed,
  linkKey: nullableText,
  title: nullableText,
  createdBy: text,
  createdAt: text,
  updatedAt: text,
  lastReportAt: text,
  resolvedAt: nullableText,
  resolutionNote: nullableText,
  mergedIntoId: nullableText,
  truckAlertedAt: nullableText,
});
incident.index({ linkKey: 1 }, { unique: true, partialFilterExpression: { linkKey: { $type: 'string' } } });
incident.index({ localityId: 1, status: 1, createdAt: -1 });

/**
 * One document per (locality, category) that every linking transaction increments first: two
 * concurrent linkers then write the same document, MongoDB aborts one with a write conflict and
 * mongoose retries it, so linking is serialised as SQLite's `BEGIN IMMEDIATE` does.
 */
const incidentLinkLock = schema('incident_link_locks', { n: { type: Number, default: 0 } });

const broadcast = schema('broadcasts', {
  localityId: text,
  kind: text,
  incidentId: nullableText,
  noticeId: nullableText,
  text: text,
  createdBy: text,
  createdAt: text,
  status: text,
  recipientCount: { type: Number, default: null },
  completedAt: nullableText,
});
broadcast.index({ incidentId: 1, createdAt: 1 });
broadcast.index({ noticeId: 1, createdAt: 1 });
broadcast.index({ status: 1, createdAt: 1 });

const notice = schema('notices', {
  localityId: text,
  kind: text,
  sectors: strings,
  startsAt: text,
  endsAt: text,
  text: text,
  createdBy: text,
  createdAt: text,
  cancelledAt: nullableText,
  broadcastId: nullableText,
});
notice.index({ localityId: 1, endsAt: 1 });

// `_id` is `<residentId>|<localityId>` (hidden on read).
const noticeSubscription = schema('notice_subscriptions', {
  residentId: text,
  localityId: text,
  sector: nullableText,
  active: flag,
  updatedAt: text,
});
noticeSubscription.index({ localityId: 1, active: 1, sector: 1 });
noticeSubscription.index({ residentId: 1 });
const open311Key = schema('open311_keys', {
  keyHash: text,
  label: text,
  createdAt: text,
  lastUsedAt: nullableText,
  revokedAt: nullableText,
});
open311Key.index({ keyHash: 1 }, { unique: true });

const committeeMember = schema('committee_members', {
  localityId: text,
  name: text,
  phone: text,
  residentId: text,
  language: text,
  channel: text,
  status: text,
  createdAt: text,
  updatedAt: text,
});
committeeMember.index({ localityId: 1, phone: 1 }, { unique: true });
committeeMember.index({ residentId: 1 });

const committeeSummary = schema('committee_summaries', {
  localityId: text,
  weekKey: text,
  periodFrom: text,
  periodTo: text,
  figures: mixed,
  computedAt: text,
});
committeeSummary.index({ localityId: 1, weekKey: 1 }, { unique: true });
committeeSummary.index({ localityId: 1, periodFrom: -1 });

// Published figures read one locality-period by creation or by resolution (issue 6).
ticket.index({ localityId: 1, createdAt: 1 });
ticket.index({ localityId: 1, resolvedAt: 1 }, { partialFilterExpression: { resolvedAt: { $type: 'string' } } });
// The backlog at an instant (issue 11, as SQLite's migration 13): unresolved tickets by closing
// time and tickets resolved since the instant, each part read from its own bounds. Not partial:
// a partial filter cannot express "resolvedAt is null".
ticket.index({ localityId: 1, resolvedAt: 1, closedAt: 1, createdAt: 1 });

export const SCHEMAS = {
  CommitteeMember: committeeMember,
  CommitteeSummary: committeeSummary,
  Locality: locality,
  Resident: resident,
  InboundMessage: inbound,
  Ticket: ticket,
  TimelineEntry: timeline,
  OutboxMessage: outbox,
  User: user,
  ApiToken: apiToken,
  Incident: incident,
  IncidentLinkLock: incidentLinkLock,
  Broadcast: broadcast,
  Notice: notice,
  NoticeSubscription: noticeSubscription,
  Open311Key: open311Key,
} as const;

export type StoreModels = Record<keyof typeof SCHEMAS, StoreModel>;

/** Compiles the models on one connection (never on mongoose's global default connection). */
export function createModels(connection: Connection): StoreModels {
  const models = {} as StoreModels;
  for (const [name, definition] of Object.entries(SCHEMAS) as Array<[keyof typeof SCHEMAS, Schema<StoreDoc>]>) {
    models[name] = connection.model<StoreDoc>(name, definition);
  }
  return models;
}

const HIDDEN_FIELDS = new Set(['_id', '__v', 'ord', 'dueSort']);

/** A lean document as the plain domain object: `_id` back to `id`, ordering fields removed. */
export function fromDoc<T>(doc: unknown): T {
  const source = doc as StoreDoc;
  const out: StoreDoc = { id: source._id };
  for (const [key, value] of Object.entries(source)) {
    if (!HIDDEN_FIELDS.has(key)) out[key] = value;
  }
  return out as T;
}

export function fromDocOrNull<T>(doc: unknown): T | null {
  return doc === null || doc === undefined ? null : fromDoc<T>(doc);
}

/** A domain object as a document: `id` becomes `_id`, plus any hidden ordering fields. */
export function toDoc(entity: object, extra: StoreDoc = {}): StoreDoc {
  const { id: entityId, ...rest } = entity as StoreDoc;
  return { _id: entityId, ...rest, ...extra };
}

/** A query whose lean result becomes a domain object (or null). */
export interface LeanQuery {
  lean(): PromiseLike<unknown>;
}

export async function one<T>(query: LeanQuery): Promise<T | null> {
  return fromDocOrNull<T>(await query.lean());
}

export async function many<T>(query: LeanQuery): Promise<T[]> {
  return ((await query.lean()) as unknown[]).map((doc) => fromDoc<T>(doc));
}
