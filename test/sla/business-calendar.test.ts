import { DateTime } from 'luxon';
import { createBusinessCalendar } from '../../src/sla/business-calendar';
import { SlaConfigError } from '../../src/sla/sla-errors';

const lima = createBusinessCalendar({ timeZone: 'America/Lima' });
const inLima = (iso: string) => DateTime.fromISO(iso, { setZone: true }).setZone('America/Lima').toFormat("ccc yyyy-MM-dd HH:mm ZZ");

describe('Peruvian public holidays (date-holidays, PE)', () => {
  it.each([
    ['2025-01-01', 'Año Nuevo'],
    ['2025-04-17', 'Jueves Santo'],
    ['2025-04-18', 'Viernes Santo'],
    ['2025-05-01', 'Día del Trabajador'],
    ['2025-06-07', 'Batalla de Arica y Día de la Bandera'],
    ['2025-06-29', 'San Pedro y San Pablo'],
    ['2025-07-23', 'Día de la Fuerza Aérea del Perú'],
    ['2025-07-28', 'Día de la Independencia'],
    ['2025-07-29', 'Día de la Independencia'],
    ['2025-08-06', 'Batalla de Junín'],
    ['2025-08-30', 'Día de Santa Rosa de Lima'],
    ['2025-10-08', 'Combate de Angamos'],
    ['2025-11-01', 'Todos los Santos'],
    ['2025-12-08', 'La inmaculada concepción'],
    ['2025-12-09', 'Batalla de Ayacucho'],
    ['2025-12-25', 'Navidad'],
    ['2026-04-02', 'Jueves Santo'],
    ['2026-04-03', 'Viernes Santo'],
  ])('%s is a holiday (%s)', (date, name) => {
    expect(lima.holidayName(date)).toBe(name);
    expect(lima.isBusinessDay(date)).toBe(false);
  });

  it('ordinary weekdays around the July holidays are business days', () => {
    expect(lima.holidayName('2025-07-30')).toBeNull();
    expect(lima.isBusinessDay('2025-07-25')).toBe(true);
    expect(lima.isBusinessDay('2025-07-30')).toBe(true);
  });

  it('weekends are not business days', () => {
    expect(lima.isBusinessDay('2025-03-08')).toBe(false);
    expect(lima.isBusinessDay('2025-03-09')).toBe(false);
  });
});

describe('America/Lima has no daylight saving time', () => {
  it.each(['2025-01-15T13:00:00.000Z', '2025-07-15T13:00:00.000Z', '2025-11-05T13:00:00.000Z'])(
    '%s is 08:00 at UTC−5 in Lima',
    (iso) => {
      expect(inLima(iso)).toMatch(/ 08:00 -05:00$/);
    },
  );

  it('business hours open at 13:00 UTC in January and in July alike', () => {
    expect(lima.addBusinessHours('2025-01-11T15:00:00Z', 1)).toBe('2025-01-13T14:00:00.000Z');
    expect(lima.addBusinessHours('2025-07-12T15:00:00Z', 1)).toBe('2025-07-14T14:00:00.000Z');
  });
});

describe('business hours', () => {
  it('Friday 16:30 + 2 business hours is Monday 09:30 in Lima', () => {
    const due = lima.addBusinessHours('2025-03-07T16:30:00-05:00', 2);
    expect(due).toBe('2025-03-10T14:30:00.000Z');
    expect(inLima(due)).toBe('Mon 2025-03-10 09:30 -05:00');
  });

  it('Peru\'s 28–29 July holidays are skipped: Friday 25 July 16:00 + 2 business hours is Wednesday 30 July 09:00', () => {
    expect(inLima(lima.addBusinessHours('2025-07-25T16:00:00-05:00', 2))).toBe('Wed 2025-07-30 09:00 -05:00');
  });

  it('a complaint on Saturday starts counting at Monday\'s opening', () => {
    expect(inLima(lima.addBusinessHours('2025-03-08T10:00:00-05:00', 2))).toBe('Mon 2025-03-10 10:00 -05:00');
  });

  it('a deadline that falls exactly at closing time stays on that day', () => {
    expect(inLima(lima.addBusinessHours('2025-03-07T15:00:00-05:00', 2))).toBe('Fri 2025-03-07 17:00 -05:00');
  });

  it('a lunch break and Saturday morning hours are honoured when configured', () => {
    const office = createBusinessCalendar({
      weeklyHours: {
        fri: [
          { opens: '08:00', closes: '13:00' },
          { opens: '14:00', closes: '17:00' },
        ],
        sat: [{ opens: '08:00', closes: '12:00' }],
      },
    });
    expect(inLima(office.addBusinessHours('2025-03-07T12:30:00-05:00', 1))).toBe('Fri 2025-03-07 14:30 -05:00');
    expect(inLima(office.addBusinessHours('2025-03-07T16:30:00-05:00', 2))).toBe('Sat 2025-03-08 09:30 -05:00');
  });

  it('extra closed dates (a decreed día no laborable) are skipped', () => {
    const withBridgeDay = createBusinessCalendar({ extraClosedDates: ['2025-03-10'] });
    expect(inLima(withBridgeDay.addBusinessHours('2025-03-07T16:30:00-05:00', 2))).toBe('Tue 2025-03-11 09:30 -05:00');
  });

  it('without a holiday source 28 July is an ordinary Monday', () => {
    const noHolidays = createBusinessCalendar({ holidays: null });
    expect(noHolidays.isBusinessDay('2025-07-28')).toBe(true);
    expect(inLima(noHolidays.addBusinessHours('2025-07-25T16:00:00-05:00', 2))).toBe('Mon 2025-07-28 09:00 -05:00');
  });
});

describe('business days', () => {
  it('3 business days from a Thursday before the July holidays end on the next Thursday at closing', () => {
    expect(inLima(lima.addBusinessDays('2025-07-24T10:00:00-05:00', 3))).toBe('Thu 2025-07-31 17:00 -05:00');
  });

  it('a complaint received after closing counts from the next business day', () => {
    expect(inLima(lima.addBusinessDays('2025-07-24T18:00:00-05:00', 3))).toBe('Fri 2025-08-01 17:00 -05:00');
  });

  it('a complaint received on a Sunday counts as received on Monday', () => {
    expect(inLima(lima.addBusinessDays('2025-03-09T11:00:00-05:00', 3))).toBe('Thu 2025-03-13 17:00 -05:00');
  });

  it('15 business days skip the July holidays and 6 August', () => {
    expect(inLima(lima.addBusinessDays('2025-07-24T10:00:00-05:00', 15))).toBe('Tue 2025-08-19 17:00 -05:00');
  });
});

describe('calendar hours', () => {
  it('ignore weekends and holidays', () => {
    expect(lima.addHours('2025-07-26T10:00:00-05:00', 48)).toBe('2025-07-28T15:00:00.000Z');
  });
});

describe('invalid calendar settings', () => {
  it('name every offending field', () => {
    let caught: unknown;
    try {
      createBusinessCalendar({
        timeZone: 'America/Atlantis',
        weeklyHours: { mon: [{ opens: '17:00', closes: '08:00' }] },
        extraClosedDates: ['28/07/2025'],
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SlaConfigError);
    expect((caught as SlaConfigError).code).toBe('invalid_sla_config');
    expect((caught as SlaConfigError).issues).toEqual([
      'timeZone: unknown IANA time zone',
      'weeklyHours.mon.0: opens must be before closes',
      'extraClosedDates.0: expected YYYY-MM-DD',
    ]);
  });

  it('refuse overlapping openings and a week without hours', () => {
    expect(() =>
      createBusinessCalendar({ weeklyHours: { mon: [{ opens: '08:00', closes: '13:00' }, { opens: '12:00', closes: '17:00' }] } }),
    ).toThrow('openings must be in order and must not overlap');
    expect(() => createBusinessCalendar({ weeklyHours: {} })).toThrow('the week has no opening hours');
  });
});
