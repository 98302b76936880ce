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
    SPOOL_DIR: z.string().min(1).default('./data/spool'),
    /** Password for the first admin of the embedded default; printed once when unset. */
    ADMIN_PASSWORD: optionalString,
    /** Secret for signing console cookies; generated and kept in the data folder when unset. */
    SESSION_SECRET: optionalString,
    /** Minutes new-ticket alerts wait to gather a burst into one digest. */
    ALERT_DIGEST_SECONDS: z.coerce.number().int().min(0).default(120),
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

/** True when Twilio credentials are set: send through Twilio and require signed webhooks. */
export function hasTwilioCredentials(config: Config): boolean {
  return Boolean(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN);
}
