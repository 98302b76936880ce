/**
 * All settings come from the environment, validated once at start-up. A bad or missing value
 * stops the process with one message naming every offending variable.
 */
import { z } from 'zod';

const optionalString = z
  .string()
  .transform((v) => (v.trim() === '' ? undefined : v.trim()))
  .optional();

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_BASE_URL: z.url().optional(),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
    /** Prefix for every Redis key and BullMQ queue, so two deployments (or tests) can share a Redis. */
    REDIS_PREFIX: z.string().min(1).default('aguavoz'),
    SQLITE_PATH: z.string().min(1).default('./data/aguavoz.sqlite'),
    MONGODB_URI: optionalString.pipe(z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').optional()),
    TWILIO_ACCOUNT_SID: optionalString,
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_API_BASE_URL: optionalString.pipe(z.url().optional()),
    /**
     * Number to send from when a message has no town number of its own (e.g. a staff alert for a
     * locality without numbers). E.164; the `whatsapp:` prefix is added per channel.
     */
    TWILIO_FROM_NUMBER: optionalString.pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number like +51987654321').optional()),
    /** ContentSid of an approved WhatsApp template used outside the 24-hour window. */
    TWILIO_WHATSAPP_TEMPLATE_SID: optionalString,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SESSION_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
    /**
     * Where intake spools messages while the store is down. Put it on another disk than the
     * database (e.g. `/var/spool/aguavoz`): a full disk must not take the spool down with it.
     */
    SPOOL_DIR: z.string().min(1).default('./data/spool'),
    /** Seconds between tries to open a store that could not open at start (intake spools meanwhile). */
    STORE_OPEN_RETRY_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
    /** Password for the first admin of the embedded default; printed once when unset. */
    ADMIN_PASSWORD: optionalString,
    /** Secret for signing console cookies; generated and kept in the data folder when unset. */
    SESSION_SECRET: optionalString,
    /** Minutes new-ticket alerts wait to gather a burst into one digest. */
    ALERT_DIGEST_SECONDS: z.coerce.number().int().min(0).default(120),

    // Abuse limits and protection (issue 7; see SECURITY.md).
    /** `ESTADO` look-ups one sender may make per hour: references are 7 digits and guessing is free. */
    STATUS_LOOKUPS_PER_HOUR: z.coerce.number().int().min(1).default(10),
    /** Messages one number may send per window before the flow pauses (one polite reply, all kept). */
    INBOUND_LIMIT_PER_NUMBER: z.coerce.number().int().min(1).default(20),
    INBOUND_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(10).default(600),
    /** Outbound messages to one recipient per local day; past it, nothing more is sent that day. */
    SMS_DAILY_CAP_PER_RECIPIENT: z.coerce.number().int().min(1).default(40),
    /** Outbound messages from one town per local day (bounds the bill of an attack or a bug). */
    SMS_DAILY_CAP_PER_LOCALITY: z.coerce.number().int().min(1).default(3000),
    /** Country calling codes residents may have (comma-separated); others are never sent to (SMS pumping). */
    RESIDENT_COUNTRY_CODES: z
      .string()
      .regex(/^\s*\+?\d{1,3}(\s*,\s*\+?\d{1,3})*\s*$/, 'must be country calling codes like 51 or 51,591')
      .default('51'),
    /**
     * Express `trust proxy`: `false` (default: the client is the socket's peer), a hop count (`1`
     * behind one reverse proxy), or addresses/subnets of trusted proxies (`loopback`, `10.0.0.0/8`).
     * Login throttling is per client IP, so behind a proxy this must be set or every client shares one.
     */
    TRUST_PROXY: z.string().default('false'),
    /**
     * Run the SQLite store in a worker thread so commit fsyncs overlap HTTP work (issue 11).
     * Off by default: incident linking passes a callback into the commit, which cannot cross to
     * the thread yet (see README, "Performance and scale-out").
     */
    SQLITE_STORE_THREAD: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /**
     * Conversation turns and sends in flight per worker process (issue 11). Each waits mostly on
     * a commit's fsync or on Twilio, and the group commit lets the turns in flight share one
     * fsync, so more in flight is more throughput; one resident's messages stay in order (lock).
     */
    INBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(32),
    SEND_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(32),
    /** Failed console logins one IP may make in 15 minutes, across all usernames (password spraying). */
    LOGIN_FAILURES_PER_IP: z.coerce.number().int().min(1).default(30),
    /** How often the job schedulers are checked in Redis, so an emptied Redis is noticed (seconds). */
    SCHEDULER_CHECK_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
    // Incidents and notices (issue 9).
    /** A report joins an open incident of its sector whose last report is at most this old. */
    INCIDENT_LINK_WINDOW_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(360),
    /** WhatsApp pins without a sector join a pin incident this close (metres). */
    INCIDENT_LINK_DISTANCE_METERS: z.coerce.number().int().min(1).max(20_000).default(300),
    /** Categories that are grouped into incidents; billing disputes are personal, never grouped. */
    INCIDENT_CATEGORIES: z
      .string()
      .default('outage,quality,leak,sewage')
      .transform((v) => v.split(',').map((c) => c.trim()).filter(Boolean))
      .pipe(z.array(z.enum(['outage', 'billing', 'quality', 'leak', 'sewage', 'other']))),
    /** SUNASS: an outage open this long means water-truck supply is due; supervisors are alerted. */
    INCIDENT_TRUCK_ALERT_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(18),
    /** Longest window a planned-cut notice may announce. */
    NOTICE_MAX_WINDOW_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
    /** Broadcast copies handed to the send queue per second (Twilio long codes take about 1/s). */
    BROADCAST_MESSAGES_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(1),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.TWILIO_AUTH_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_AUTH_TOKEN'],
        message: 'is required when NODE_ENV=production (unsigned webhooks are only for local use)',
      });
    }
    if (env.TWILIO_AUTH_TOKEN && !env.PUBLIC_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_BASE_URL'],
        message: 'is required with TWILIO_AUTH_TOKEN: signatures are checked against this URL',
      });
    }
    if (env.TWILIO_AUTH_TOKEN && !env.TWILIO_ACCOUNT_SID) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_ACCOUNT_SID'], message: 'is required with TWILIO_AUTH_TOKEN' });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** Thrown with every offending variable named, e.g. `PORT: expected number, received NaN`. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  return result.data;
}

/** `TRUST_PROXY` as express takes it: false, true, a hop count, or a list of addresses/subnets. */
export function trustProxySetting(value: string): boolean | number | string {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'false') return false;
  if (trimmed === 'true') return true;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed;
}

/** True when Twilio credentials are set: send through Twilio and require signed webhooks. */
export function hasTwilioCredentials(config: Config): boolean {
  return Boolean(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN);
}
