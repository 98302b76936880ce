import {
  isoWeekContaining,
  isoWeekOfLocalDate,
  InvalidPeriodError,
  lastCompleteIsoWeek,
  lastCompleteIsoWeeks,
  monthContaining,
  snapToIsoWeeks,
} from '../../src/publication/aligned-period';

const LIMA = 'America/Lima';

describe('aligned periods', () => {
  it('an ISO week runs Monday 00:00 to Monday 00:00 in Lima (05:00 UTC), not in UTC', () => {
    // Sunday 2026-11-29 at 23:30 in Lima is already Monday 04:30 UTC: still the Lima week of 23 November.
    const week = isoWeekContaining('2026-11-30T04:30:00.000Z', LIMA);
    expect(week).toMatchObject({ key: '2026-W48', from: '2026-11-23T05:00:00.000Z', to: '2026-11-30T05:00:00.000Z', firstDay: '2026-11-23', lastDay: '2026-11-29' });
    expect(isoWeekContaining('2026-11-30T05:00:00.000Z', LIMA).key).toBe('2026-W49');
  });

  it('"last week" on Monday 08:00 Lima is the Monday–Sunday just ended in Lima', () => {
    expect(lastCompleteIsoWeek('2026-11-30T13:00:00.000Z', LIMA)).toMatchObject({ key: '2026-W48', firstDay: '2026-11-23', lastDay: '2026-11-29' });
  });

  it('the 13 complete weeks end with last week, oldest first, with no gaps', () => {
    const weeks = lastCompleteIsoWeeks('2026-12-01T12:00:00.000Z', LIMA, 13);
    expect(weeks).toHaveLength(13);
    expect(weeks[12]!.key).toBe('2026-W48');
    for (let i = 1; i < weeks.length; i += 1) expect(weeks[i]!.from).toBe(weeks[i - 1]!.to);
  });

  it('a month is the whole local calendar month; ISO week years are used near New Year', () => {
    expect(monthContaining('2026-12-01T04:00:00.000Z', LIMA)).toMatchObject({ key: '2026-11', from: '2026-11-01T05:00:00.000Z', to: '2026-12-01T05:00:00.000Z' });
    expect(isoWeekOfLocalDate('2027-01-01', LIMA).key).toBe('2026-W53');
    expect(() => isoWeekOfLocalDate('2026-13-45', LIMA)).toThrow(InvalidPeriodError);
  });

  it('two requests whose ends differ by one millisecond snap to the same weeks', () => {
    const now = '2026-12-01T12:00:00.000Z';
    const a = snapToIsoWeeks({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-20T10:00:00.000Z' }, now, LIMA);
    const b = snapToIsoWeeks({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-20T10:00:00.001Z' }, now, LIMA);
    expect(b).toEqual(a);
    expect(a.map((w) => w.key)).toEqual(['2026-W44', '2026-W45', '2026-W46', '2026-W47']);
    expect(a[3]!.to).toBe('2026-11-23T05:00:00.000Z');
  });

  it('the week in progress is never part of a snapped request', () => {
    const now = '2026-12-02T12:00:00.000Z';
    expect(snapToIsoWeeks({ from: '2026-11-30T06:00:00.000Z', to: '2026-12-09T00:00:00.000Z' }, now, LIMA)).toEqual([]);
  });
});
