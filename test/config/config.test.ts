import { ConfigError, loadConfig } from '../../src/config/config';

describe('configuration from the environment', () => {
  it('an empty environment gives the embedded default: SQLite, local Redis, port 3000, no Twilio', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.SQLITE_PATH).toBe('./data/aguavoz.sqlite');
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.TWILIO_AUTH_TOKEN).toBeUndefined();
    expect(config.SESSION_TIMEOUT_MINUTES).toBe(30);
  });

  it('empty strings copied from .env.example count as unset', () => {
    const config = loadConfig({ MONGODB_URI: '', TWILIO_AUTH_TOKEN: '', TWILIO_API_BASE_URL: '' });
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.TWILIO_AUTH_TOKEN).toBeUndefined();
    expect(config.TWILIO_API_BASE_URL).toBeUndefined();
  });

  it('names every offending variable in one message', () => {
    let thrown: unknown;
    try {
      loadConfig({ PORT: 'abc', REDIS_URL: 'http://nope', LOG_LEVEL: 'loud', MONGODB_URI: 'postgres://x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const problems = (thrown as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'REDIS_URL', 'LOG_LEVEL', 'MONGODB_URI']) expect(problems).toContain(name);
  });

  it('a sending number must be E.164', () => {
    expect(() => loadConfig({ TWILIO_FROM_NUMBER: '987654321' })).toThrow(/TWILIO_FROM_NUMBER/);
    expect(loadConfig({ TWILIO_FROM_NUMBER: '+51987654321' }).TWILIO_FROM_NUMBER).toBe('+51987654321');
  });

  it('refuses to run in production without a Twilio auth token', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TWILIO_AUTH_TOKEN/);
  });

  it('a Twilio token needs the public URL signatures are computed against, and the account sid', () => {
    expect(() => loadConfig({ TWILIO_AUTH_TOKEN: 'secret' })).toThrow(/PUBLIC_BASE_URL[\s\S]*TWILIO_ACCOUNT_SID|TWILIO_ACCOUNT_SID[\s\S]*PUBLIC_BASE_URL/);
    const config = loadConfig({
      NODE_ENV: 'production',
      TWILIO_AUTH_TOKEN: 'secret',
      TWILIO_ACCOUNT_SID: 'AC123',
      PUBLIC_BASE_URL: 'https://agua.example.pe',
    });
    expect(config.PUBLIC_BASE_URL).toBe('https://agua.example.pe');
  });
});
