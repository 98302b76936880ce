/**
 * `aguavoz committee add|list|pause|resume|remove` and `aguavoz summary preview|send`. They use
 * the whole container (store + Redis) because adding a member queues the welcome SMS and
 * `summary send` queues the members' SMS; the running worker sends them.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/config';
import { createContainer, type Container } from '../app/container';
import type { Language } from '../domain/resident';
import { createLogger } from '../shared/logger';

async function withContainer<T>(fn: (c: Container) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // One-shot commands print their own answer; only errors from the service's logger are shown.
  const container = createContainer(config, { logger: createLogger({ level: ['info', 'warn'].includes(config.LOG_LEVEL) ? 'error' : config.LOG_LEVEL }) });
  await container.repo.init();
  try {
    return await fn(container);
  } finally {
    await container.close();
  }
}

function language(value: string | undefined): Language {
  if (value === undefined) return 'es';
  if (value !== 'es' && value !== 'en' && value !== 'qu') throw new Error(`unknown language "${value}": use es, en or qu`);
  return value;
}

export function registerCommitteeCommands(program: Command): void {
  const committee = program.command('committee').description("a locality's oversight committee: who gets the weekly SMS summary");
  committee
    .command('add')
    .description('add a member (sends one welcome SMS)')
    .requiredOption('--locality <slug>', 'locality slug')
    .requiredOption('--name <name>', "member's name")
    .requiredOption('--phone <E.164>', 'phone, e.g. +51987654321')
    .option('--language <es|en|qu>', 'language of the SMS', 'es')
    .option('--channel <sms|whatsapp>', 'channel', 'sms')
    .action(async (o: { locality: string; name: string; phone: string; language: string; channel: string }) => {
      await withContainer(async (c) => {
        const member = await c.committees.add(o.locality, { name: o.name, phone: o.phone, language: language(o.language), channel: o.channel as 'sms' });
        console.log(`added ${member.name} (${member.id}) to the ${o.locality} committee; welcome SMS queued`);
      });
    });
  committee
    .command('list')
    .requiredOption('--locality <slug>', 'locality slug')
    .action(async (o: { locality: string }) => {
      await withContainer(async (c) => {
        const members = await c.committees.list(o.locality);
        if (members.length === 0) console.log(`no committee members in ${o.locality} yet (aguavoz committee add)`);
        for (const m of members) console.log(`${m.id}\t${m.name}\t${m.phone}\t${m.language}\t${m.channel}\t${m.status}`);
      });
    });
  for (const [name, status] of [['pause', 'paused'], ['resume', 'active']] as const) {
    committee
      .command(name)
      .description(`${name} a member's weekly summaries`)
      .requiredOption('--locality <slug>', 'locality slug')
      .requiredOption('--member <id|phone>', 'member id or phone')
      .action(async (o: { locality: string; member: string }) => {
        await withContainer(async (c) => {
          const m = await c.committees.setStatus(o.locality, o.member, status);
          console.log(`${m.name}: ${m.status}`);
        });
      });
  }
  committee
    .command('remove')
    .requiredOption('--locality <slug>', 'locality slug')
    .requiredOption('--member <id|phone>', 'member id or phone')
    .action(async (o: { locality: string; member: string }) => {
      await withContainer(async (c) => {
        const m = await c.committees.remove(o.locality, o.member);
        console.log(`removed ${m.name} from the ${o.locality} committee`);
      });
    });

  const summary = program.command('summary').description('the weekly committee SMS summary');
  summary
    .command('preview')
    .description('print the exact SMS text and its segment count')
    .requiredOption('--locality <slug>', 'locality slug')
    .option('--week <YYYY-MM-DD>', 'any day of a past ISO week (default: last week)')
    .option('--so-far', 'the week in progress instead', false)
    .option('--language <es|en|qu>', 'language', 'es')
    .action(async (o: { locality: string; week?: string; soFar: boolean; language: string }) => {
      await withContainer(async (c) => {
        const locality = await c.committees.locality(o.locality);
        const p = await c.summaries.preview(locality, { week: o.week, language: language(o.language), soFar: o.soFar });
        console.log(p.text);
        console.log(`-- ${p.week}, ${p.segments} segment${p.segments === 1 ? '' : 's'} (${p.encoding}, ${p.text.length} characters)`);
      });
    });
  summary
    .command('settings')
    .description("a locality's publication settings: when the weekly summary goes out, and the small-cell threshold")
    .requiredOption('--locality <slug>', 'locality slug')
    .option('--weekday <1-7>', 'day of the week, 1 = Monday (default 1)')
    .option('--hour <0-23>', 'hour in the locality time zone (default 8)')
    .option('--min-cell <n>', 'gender cells under this count are suppressed (default 5, at least 3)')
    .action(async (o: { locality: string; weekday?: string; hour?: string; minCell?: string }) => {
      const int = (value: string | undefined, name: string, min: number, max: number) => {
        if (value === undefined) return undefined;
        const n = Number(value);
        if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
        return n;
      };
      const patch = { summaryWeekday: int(o.weekday, '--weekday', 1, 7), summaryHour: int(o.hour, '--hour', 0, 23), minCellSize: int(o.minCell, '--min-cell', 3, 100) };
      await withContainer(async (c) => {
        const locality = await c.committees.locality(o.locality);
        const updated = await c.repo.updateLocality(locality.id, patch);
        console.log(
          `${updated.slug}: summary on weekday ${updated.summaryWeekday ?? 1} at ${updated.summaryHour ?? 8}:00 ${updated.timeZone}, gender cells under ${updated.minCellSize ?? 5} suppressed (the schedule is re-installed within the hour, or at the next start)`,
        );
      });
    });
  summary
    .command('send')
    .description("send last week's summary now to every active member not yet reached")
    .requiredOption('--locality <slug>', 'locality slug')
    .option('--week <YYYY-MM-DD>', 'any day of a past ISO week (default: last week)')
    .action(async (o: { locality: string; week?: string }) => {
      await withContainer(async (c) => {
        const locality = await c.committees.locality(o.locality);
        const week = c.summaries.resolveWeek(locality, o.week);
        const result = await c.summaries.send(locality, week);
        console.log(`${week.key}: ${result.queued} SMS queued, ${result.skipped} member(s) already reached or not retried`);
        for (const d of await c.summaries.deliveries(locality, week.key)) console.log(`  ${d.name}\t${d.status}\tattempts ${d.attempts}`);
      });
    });
}
