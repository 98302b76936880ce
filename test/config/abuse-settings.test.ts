/** The settings of issue 7 are read as documented, and a bad value stops the start with its name. */
import { loadConfig, trustProxySetting } from '../../src/config/config';
import { isAllowedCountry, parseCountryCodes } from '../../src/messaging/outbound/send-caps';

describe('abuse and protection settings', () => {
  it('defaults to Peru only, no trusted proxy, and the documented limits', () => {
    const config = loadConfig({});
    expect(parseCountryCodes(config.RESIDENT_COUNTRY_CODES)).toEqual(['51']);
    expect(trustProxySetting(config.TRUST_PROXY)).toBe(false);
    expect(config).toMatchObject({ STATUS_LOOKUPS_PER_HOUR: 10, INBOUND_LIMIT_PER_NUMBER: 20, SMS_DAILY_CAP_PER_RECIPIENT: 40, LOGIN_FAILURES_PER_IP: 30 });
  });

  it('reads several resident countries and tells numbers apart by country code', () => {
    const codes = parseCountryCodes(loadConfig({ RESIDENT_COUNTRY_CODES: '51, +591' }).RESIDENT_COUNTRY_CODES);
    expect(codes).toEqual(['51', '591']);
    expect(isAllowedCountry('+51987654321', codes)).toBe(true);
    expect(isAllowedCountry('+59171234567', codes)).toBe(true);
    expect(isAllowedCountry('+447700900123', codes)).toBe(false);
    expect(isAllowedCountry('not a number', codes)).toBe(false);
  });

  it('refuses a resident country list that is not calling codes, naming the variable', () => {
    expect(() => loadConfig({ RESIDENT_COUNTRY_CODES: 'PE' })).toThrow(/RESIDENT_COUNTRY_CODES/);
  });

  it('reads TRUST_PROXY as express takes it', () => {
    expect(trustProxySetting('1')).toBe(1);
    expect(trustProxySetting('true')).toBe(true);
    expect(trustProxySetting('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
    expect(trustProxySetting('')).toBe(false);
  });
});
