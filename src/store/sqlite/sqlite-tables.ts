/**
 * How each domain type maps to its SQLite table: one declaration per entity drives reading,
 * inserting and patching, so a field added to a domain type fails type-checking here until it
 * has a column. Booleans are stored as 0/1, arrays and objects as JSON text.
 */
import type { Broadcast, Incident, Notice, NoticeSubscription } from '../../domain/incident';
import type { Locality } from '../../domain/locality';
import type { InboundMessage, OutboxMessage } from '../../domain/message';
import type { Resident } from '../../domain/resident';
import type { Ticket, TimelineEntry } from '../../domain/ticket';
import type { Open311Key } from '../../domain/open311-key';
import type { ApiToken, User } from '../../domain/user';
import type { CommitteeMember, CommitteeSummary } from '../../domain/committee';

/** `optional*`: a field that is absent from the domain object while its column is NULL. */
type Kind = 'text' | 'int' | 'bool' | 'json' | 'optionalText' | 'optionalInt' | 'optionalBool';

export interface Column {
  field: string;
  column: string;
  kind: Kind;
}

/** A table and the entity name used in {@link NotFoundError}s. */
export interface TableSpec<T> {
  table: string;
  entity: string;
  columns: Column[];
  byField: Map<string, Column>;
  /** Phantom marker tying the spec to its domain type. */
  readonly _type?: T;
}

function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function table<T>(name: string, entity: string, fields: Record<keyof T & string, Kind>): TableSpec<T> {
  const columns = Object.entries(fields).map(([field, kind]) => ({ field, column: snake(field), kind: kind as Kind }));
  return { table: name, entity, columns, byField: new Map(columns.map((c) => [c.field, c])) };
}

export const LOCALITIES = table<Locality>('localities', 'locality', {
  id: 'text',
  slug: 'text',
  name: 'text',
  timeZone: 'text',
  sectors: 'json',
  phoneNumbers: 'json',
  isCatchAll: 'bool',
  createdAt: 'text',
  minCellSize: 'optionalInt',
  summaryWeekday: 'optionalInt',
  summaryHour: 'optionalInt',
});

export const RESIDENTS = table<Resident>('residents', 'resident', {
  id: 'text',
  phone: 'text',
  localityId: 'text',
  language: 'text',
  gender: 'text',
  genderAskedAt: 'text',
  privacyNoticeSentAt: 'text',
  optedOut: 'bool',
  lastInboundAt: 'text',
  lastWhatsappInboundAt: 'text',
  createdAt: 'text',
  updatedAt: 'text',
});

export const INBOUND = table<InboundMessage>('inbound_messages', 'inbound message', {
  id: 'text',
  providerSid: 'text',
  channel: 'text',
  fromPhone: 'text',
  toPhone: 'text',
  body: 'text',
  media: 'json',
  location: 'json',
  receivedAt: 'text',
  processedAt: 'text',
  residentId: 'text',
  localityId: 'text',
  processingFailures: 'optionalInt',
  lastFailureAt: 'optionalText',
  lastFailureReason: 'optionalText',
  failedAt: 'optionalText',
});

export const TICKETS = table<Ticket>('tickets', 'ticket', {
  id: 'text',
  reference: 'text',
  localityId: 'text',
  residentId: 'text',
  category: 'text',
  details: 'json',
  sector: 'text',
  location: 'json',
  channel: 'text',
  reporterGender: 'text',
  reporterLanguage: 'text',
  priority: 'text',
  status: 'text',
  needsOperator: 'bool',
  assigneeId: 'text',
  createdAt: 'text',
  updatedAt: 'text',
  firstResponseAt: 'text',
  acknowledgedAt: 'text',
  resolvedAt: 'text',
  closedAt: 'text',
  reopenCount: 'int',
  firstResponseDueAt: 'text',
  resolutionDueAt: 'text',
  slaBreachedAt: 'text',
  resolutionNote: 'text',
  residentConfirmedSolved: 'bool',
  residentRating: 'int',
  incidentId: 'optionalText',
});

export const TIMELINE = table<TimelineEntry>('ticket_timeline', 'timeline entry', {
  id: 'text',
  ticketId: 'text',
  at: 'text',
  type: 'text',
  actor: 'text',
  text: 'text',
  isPublic: 'bool',
  isPublished: 'optionalBool',
  data: 'json',
});

export const OUTBOX = table<OutboxMessage>('outbox', 'outbox message', {
  id: 'text',
  residentId: 'text',
  userId: 'text',
  ticketId: 'text',
  channel: 'text',
  toPhone: 'text',
  fromPhone: 'text',
  body: 'text',
  kind: 'text',
  status: 'text',
  providerSid: 'text',
  attempts: 'int',
  errorCode: 'text',
  createdAt: 'text',
  updatedAt: 'text',
  broadcastId: 'optionalText',
});

export const USERS = table<User>('users', 'user', {
  id: 'text',
  username: 'text',
  name: 'text',
  role: 'text',
  phone: 'text',
  localityIds: 'json',
  onDuty: 'bool',
  passwordHash: 'text',
  sessionVersion: 'int',
  language: 'optionalText',
  disabledAt: 'optionalText',
  createdAt: 'text',
  updatedAt: 'text',
});

export const API_TOKENS = table<ApiToken>('api_tokens', 'api token', {
  id: 'text',
  userId: 'text',
  tokenHash: 'text',
  label: 'text',
  createdAt: 'text',
  lastUsedAt: 'text',
  revokedAt: 'text',
});

export const INCIDENTS = table<Incident>('incidents', 'incident', {
  id: 'text',
  localityId: 'text',
  category: 'text',
  status: 'text',
  sectors: 'json',
  location: 'json',
  linkKey: 'text',
  title: 'text',
  createdBy: 'text',
  createdAt: 'text',
  updatedAt: 'text',
  lastReportAt: 'text',
  resolvedAt: 'text',
  resolutionNote: 'text',
  mergedIntoId: 'text',
  truckAlertedAt: 'text',
});

export const BROADCASTS = table<Broadcast>('broadcasts', 'broadcast', {
  id: 'text',
  localityId: 'text',
  kind: 'text',
  incidentId: 'text',
  noticeId: 'text',
  text: 'text',
  createdBy: 'text',
  createdAt: 'text',
  status: 'text',
  recipientCount: 'int',
  completedAt: 'text',
});

export const NOTICES = table<Notice>('notices', 'notice', {
  id: 'text',
  localityId: 'text',
  kind: 'text',
  sectors: 'json',
  startsAt: 'text',
  endsAt: 'text',
  text: 'text',
  createdBy: 'text',
  createdAt: 'text',
  cancelledAt: 'text',
  broadcastId: 'text',
});

export const NOTICE_SUBSCRIPTIONS = table<NoticeSubscription>('notice_subscriptions', 'notice subscription', {
  residentId: 'text',
  localityId: 'text',
  sector: 'text',
  active: 'bool',
  updatedAt: 'text',
});

export const OPEN311_KEYS = table<Open311Key>('open311_keys', 'open311 key', {
  id: 'text',
  keyHash: 'text',
  label: 'text',
  createdAt: 'text',
  lastUsedAt: 'text',
  revokedAt: 'text',
});

export const COMMITTEE_MEMBERS = table<CommitteeMember>('committee_members', 'committee member', {
  id: 'text',
  localityId: 'text',
  name: 'text',
  phone: 'text',
  residentId: 'text',
  language: 'text',
  channel: 'text',
  status: 'text',
  createdAt: 'text',
  updatedAt: 'text',
});

export const COMMITTEE_SUMMARIES = table<CommitteeSummary>('committee_summaries', 'committee summary', {
  id: 'text',
  localityId: 'text',
  weekKey: 'text',
  periodFrom: 'text',
  periodTo: 'text',
  figures: 'json',
  computedAt: 'text',
});

export function encodeValue(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.kind === 'bool' || column.kind === 'optionalBool') return value ? 1 : 0;
  if (column.kind === 'json') return JSON.stringify(value);
  return value;
}

function decodeValue(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.kind === 'bool' || column.kind === 'optionalBool') return value === 1;
  if (column.kind === 'json') return JSON.parse(value as string);
  return value;
}

/** Named parameters (`@column`) for an INSERT of a whole entity. */
export function toRow<T>(spec: TableSpec<T>, entity: T): Record<string, unknown> {
  const source = entity as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const column of spec.columns) row[column.column] = encodeValue(column, source[column.field]);
  return row;
}

export function fromRow<T>(spec: TableSpec<T>, row: unknown): T {
  const source = row as Record<string, unknown>;
  const entity: Record<string, unknown> = {};
  for (const column of spec.columns) {
    const value = decodeValue(column, source[column.column]);
    if (value === null && isOptional(column)) continue;
    entity[column.field] = value;
  }
  return entity as T;
}

function isOptional(column: Column): boolean {
  return column.kind === 'optionalText' || column.kind === 'optionalInt' || column.kind === 'optionalBool';
}

export function insertSql<T>(spec: TableSpec<T>, suffix = ''): string {
  const names = spec.columns.map((c) => c.column);
  return `INSERT INTO ${spec.table} (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})${suffix}`;
}

/**
 * `UPDATE … SET` for the fields present in a patch (already cleaned by `definedPatch`), or null
 * when the patch changes nothing this table stores.
 */
export function updateSql<T>(
  spec: TableSpec<T>,
  patch: Record<string, unknown>,
): { sql: string; params: Record<string, unknown> } | null {
  const params: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    const column = spec.byField.get(field);
    if (!column) continue;
    sets.push(`${column.column} = @${column.column}`);
    params[column.column] = encodeValue(column, value);
  }
  if (sets.length === 0) return null;
  return { sql: `UPDATE ${spec.table} SET ${sets.join(', ')} WHERE id = @where_id`, params };
}

/** `provider_sid` → `providerSid`: the field a {@link UniqueViolationError} names. */
export function fieldOfColumn(column: string): string {
  return column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}
