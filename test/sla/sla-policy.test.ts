import { SlaConfigError } from '../../src/sla/sla-errors';
import {
  DEFAULT_SLA_CONFIG,
  DEFAULT_SLA_POLICY,
  calendarOptionsForLocality,
  parseSlaPolicyConfig,
  policyForLocality,
  slaTargetFor,
} from '../../src/sla/sla-policy';

const h = (amount: number) => ({ amount, unit: 'hours' });
const bd = (amount: number) => ({ amount, unit: 'business_days' });

describe('default SLA policy', () => {
  it.each([
    ['outage', 'normal', h(2), h(24)],
    ['outage', 'high', h(2), h(24)],
    ['outage', 'urgent', h(1), h(12)],
    ['quality', 'normal', h(4), h(48)],
    ['quality', 'high', h(2), h(24)],
    ['quality', 'urgent', h(2), h(24)],
    ['leak', 'normal', h(4), h(48)],
    ['leak', 'urgent', h(2), h(24)],
    ['sewage', 'normal', h(4), h(48)],
    ['sewage', 'urgent', h(2), h(24)],
    ['billing', 'normal', bd(3), bd(15)],
    ['billing', 'urgent', bd(3), bd(15)],
    ['other', 'normal', bd(1), bd(10)],
  ] as const)('%s with %s priority: first response %j, resolution %j', (category, priority, firstResponse, resolution) => {
    expect(slaTargetFor(DEFAULT_SLA_POLICY, { category, priority })).toEqual({ firstResponse, resolution });
  });

  it('passes its own validation', () => {
    expect(parseSlaPolicyConfig(DEFAULT_SLA_CONFIG)).toEqual(DEFAULT_SLA_CONFIG);
  });
});

describe('priority fallbacks', () => {
  const policy = parseSlaPolicyConfig({
    default: { categories: { leak: { normal: { firstResponse: h(6), resolution: bd(5) } } } },
  }).default;

  it('high without its own target uses the normal one', () => {
    expect(slaTargetFor(policy, { category: 'leak', priority: 'high' })).toEqual({ firstResponse: h(6), resolution: bd(5) });
  });

  it('urgent without its own target halves the normal one, rounding business days up', () => {
    expect(slaTargetFor(policy, { category: 'leak', priority: 'urgent' })).toEqual({ firstResponse: h(3), resolution: bd(3) });
  });

  it('a category without a policy has no SLA', () => {
    expect(slaTargetFor(policy, { category: 'outage', priority: 'normal' })).toBeNull();
  });
});

describe('locality overrides', () => {
  const config = parseSlaPolicyConfig({
    default: DEFAULT_SLA_POLICY,
    calendar: { weeklyHours: { mon: [{ opens: '07:00', closes: '15:00' }] } },
    localities: {
      'loc-rural': {
        categories: { outage: { normal: { firstResponse: h(4), resolution: h(48) } }, other: null },
        calendar: { extraClosedDates: ['2025-10-09'] },
      },
    },
  });

  it('replace only the categories they name', () => {
    const policy = policyForLocality(config, 'loc-rural');
    expect(slaTargetFor(policy, { category: 'outage', priority: 'normal' })).toEqual({ firstResponse: h(4), resolution: h(48) });
    expect(slaTargetFor(policy, { category: 'billing', priority: 'normal' })).toEqual({ firstResponse: bd(3), resolution: bd(15) });
  });

  it('can remove a category\'s SLA with null', () => {
    expect(slaTargetFor(policyForLocality(config, 'loc-rural'), { category: 'other', priority: 'normal' })).toBeNull();
  });

  it('leave other localities on the default', () => {
    expect(policyForLocality(config, 'loc-town')).toEqual(DEFAULT_SLA_POLICY);
  });

  it('merge calendar settings without resetting the shared ones, with the locality\'s own time zone', () => {
    expect(calendarOptionsForLocality(config, { id: 'loc-rural', timeZone: 'America/Lima' })).toEqual({
      weeklyHours: { mon: [{ opens: '07:00', closes: '15:00' }] },
      extraClosedDates: ['2025-10-09'],
      timeZone: 'America/Lima',
    });
  });
});

describe('invalid policies', () => {
  it('name every offending field', () => {
    let caught: unknown;
    try {
      parseSlaPolicyConfig({
        default: {
          categories: {
            outage: { normal: { firstResponse: { amount: -2, unit: 'hours' }, resolution: { amount: 1.5, unit: 'business_days' } } },
            leak: { normal: { firstResponse: { amount: 2, unit: 'minutes' }, resolution: h(4) } },
          },
        },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SlaConfigError);
    const issues = (caught as SlaConfigError).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^default\.categories\.outage\.normal\.firstResponse\.amount: /),
        'default.categories.outage.normal.resolution: business_days must be a whole number',
        expect.stringMatching(/^default\.categories\.leak\.normal\.firstResponse\.unit: /),
      ]),
    );
    expect(issues).toHaveLength(3);
  });

  it('refuse an unknown category', () => {
    expect(() =>
      parseSlaPolicyConfig({ default: { categories: { flood: { normal: { firstResponse: h(1), resolution: h(2) } } } } }),
    ).toThrow(SlaConfigError);
  });
});
