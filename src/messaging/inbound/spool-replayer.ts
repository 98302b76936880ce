/**
 * Moves spooled inbound messages (written while the store was down) into the store and onto the
 * queue. Called periodically by the maintenance worker, and once at start-up.
 *
 * Crash-safe: the active spool file is first claimed by renaming it, and a claimed file is only
 * deleted after every line in it was stored. A crash mid-replay leaves the claimed file, and the
 * next run replays it again; the store's unique MessageSid makes that a no-op for lines already in.
 */
import { appendFile, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { InboundMessage } from '../../domain/message';
import type { Logger } from '../../shared/logger';
import type { Repository } from '../../store/repository';
import { enqueueInbound, type InboundQueue } from './inbound-enqueuer';
import { ACTIVE_SPOOL_FILE, listClaimedSpoolFiles } from './intake-spool';

export interface SpoolReplayResult {
  /** Lines newly inserted into the store. */
  stored: number;
  /** Lines whose MessageSid the store already had. */
  duplicates: number;
  /** Unreadable lines (a torn write), kept aside in `<file>.rejected`. */
  rejected: number;
  /** False when the store failed mid-way: the rest stays spooled for the next run. */
  complete: boolean;
}

export interface SpoolReplayDeps {
  dir: string;
  repo: Pick<Repository, 'insertInboundMessage'>;
  queue: InboundQueue;
  logger: Logger;
  /** Wait after claiming the active file so appends already in flight land first. */
  claimGraceMs?: number;
  /** Unique per run, to name the claimed file; default: time + random. */
  claimId?: string;
}

export async function replayIntakeSpool(deps: SpoolReplayDeps): Promise<SpoolReplayResult> {
  const result: SpoolReplayResult = { stored: 0, duplicates: 0, rejected: 0, complete: true };
  const claimed = await claimActiveFile(deps);
  if (claimed) await sleep(deps.claimGraceMs ?? 1000);

  for (const name of await listClaimedSpoolFiles(deps.dir)) {
    const path = join(deps.dir, name);
    const ok = await replayFile(path, deps, result);
    if (!ok) {
      result.complete = false;
      break;
    }
  }
  if (result.stored + result.duplicates + result.rejected > 0 || !result.complete) {
    deps.logger.info({ ...result }, 'intake spool replayed');
  }
  return result;
}

async function claimActiveFile(deps: SpoolReplayDeps): Promise<boolean> {
  const claimId = deps.claimId ?? `${Date.now().toString().padStart(15, '0')}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await rename(join(deps.dir, ACTIVE_SPOOL_FILE), join(deps.dir, `intake.${claimId}.replaying.jsonl`));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Replays every line, re-reading while the file grows (a late append). False on a store failure. */
async function replayFile(path: string, deps: SpoolReplayDeps, result: SpoolReplayResult): Promise<boolean> {
  let offset = 0;
  for (;;) {
    const content = await readFile(path);
    if (content.length <= offset) break;
    const chunk = content.subarray(offset).toString('utf8');
    const lastNewline = chunk.lastIndexOf('\n');
    const complete = lastNewline === -1 ? '' : chunk.slice(0, lastNewline);
    const torn = chunk.slice(lastNewline + 1);
    for (const line of complete.split('\n')) {
      if (line.trim() === '') continue;
      if (!(await replayLine(line, path, deps, result))) return false;
    }
    if (torn.trim() !== '') await keepRejected(path, torn, result, deps.logger);
    offset = content.length;
  }
  await unlink(path);
  return true;
}

async function replayLine(line: string, path: string, deps: SpoolReplayDeps, result: SpoolReplayResult): Promise<boolean> {
  let message: InboundMessage;
  try {
    message = JSON.parse(line) as InboundMessage;
    if (typeof message.id !== 'string' || typeof message.providerSid !== 'string') throw new Error('not a message');
  } catch {
    await keepRejected(path, line, result, deps.logger);
    return true;
  }
  try {
    const { inserted, message: stored } = await deps.repo.insertInboundMessage(message);
    if (inserted) result.stored += 1;
    else result.duplicates += 1;
    if (stored.processedAt === null) {
      await enqueueInbound(deps.queue, stored.id).catch((error: unknown) => {
        deps.logger.warn({ messageId: stored.id, err: String(error) }, 'replayed message not enqueued; the sweeper will retry');
      });
    }
    return true;
  } catch (error) {
    deps.logger.warn({ messageId: message.id, err: String(error) }, 'store still unavailable; spool replay stopped');
    return false;
  }
}

async function keepRejected(path: string, text: string, result: SpoolReplayResult, logger: Logger): Promise<void> {
  await appendFile(`${path}.rejected`, `${text}\n`, { mode: 0o600 });
  result.rejected += 1;
  logger.error({ file: `${path}.rejected` }, 'unreadable intake spool line kept aside for a human');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
