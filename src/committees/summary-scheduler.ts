/**
 * The weekly summary's BullMQ Job Schedulers: one per locality, at its weekday and hour in its
 * own time zone (default Monday 08:00), plus one hourly retry sweep that re-runs last week's
 * send (idempotent: it only writes rows for members not yet reached). Installing is an upsert,
 * so calling {@link installSummarySchedulers} at every start — or again after Redis lost its
 * data — leaves exactly one scheduler per locality.
 *
 * @example job payload: `{ "localityId": "0b6f…" }` (ids only)
 */
import type { Queue } from 'bullmq';
import type { Locality } from '../domain/locality';

export const SUMMARY_JOB = 'committee-summary';
export const SUMMARY_RETRY_JOB = 'committee-summary-retry';
export const SUMMARY_RETRY_EVERY_MS = 60 * 60_000;
export const DEFAULT_SUMMARY_WEEKDAY = 1;
export const DEFAULT_SUMMARY_HOUR = 8;

export interface SummaryJob {
  localityId: string;
}

export const summarySchedulerId = (localityId: string) => `${SUMMARY_JOB}:${localityId}`;

/** Cron for BullMQ (minute hour day month weekday; weekday 0 = Sunday). */
export function summaryCron(locality: Pick<Locality, 'summaryWeekday' | 'summaryHour'>): string {
  const weekday = (locality.summaryWeekday ?? DEFAULT_SUMMARY_WEEKDAY) % 7;
  return `0 ${locality.summaryHour ?? DEFAULT_SUMMARY_HOUR} * * ${weekday}`;
}

export async function installSummarySchedulers(queue: Queue, localities: readonly Locality[]): Promise<string[]> {
  const ids = await installLocalitySummarySchedulers(queue, localities);
  await queue.upsertJobScheduler(SUMMARY_RETRY_JOB, { every: SUMMARY_RETRY_EVERY_MS }, { name: SUMMARY_RETRY_JOB, opts: { removeOnComplete: true } });
  return ids;
}

/**
 * One scheduler per locality (an upsert: the same id, the current weekday and hour). Also run by
 * the hourly retry job, so a locality added while the service runs, or a changed setting, is
 * scheduled within the hour.
 */
export async function installLocalitySummarySchedulers(queue: Queue, localities: readonly Locality[]): Promise<string[]> {
  const ids: string[] = [];
  for (const locality of localities) {
    const id = summarySchedulerId(locality.id);
    await queue.upsertJobScheduler(
      id,
      { pattern: summaryCron(locality), tz: locality.timeZone },
      { name: SUMMARY_JOB, data: { localityId: locality.id } satisfies SummaryJob, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
    ids.push(id);
  }
  return ids;
}
