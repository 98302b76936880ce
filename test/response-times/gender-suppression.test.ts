import { suppressSmallGenderGroups } from '../../src/response-times/gender-suppression';

const n = (count: number, label: string) => Array.from({ length: count }, (_, i) => `${label}${i}`);

describe('small gender groups', () => {
  it('are kept when every group reaches k', () => {
    const result = suppressSmallGenderGroups(new Map([['woman', n(5, 'w')], ['man', n(7, 'm')]]), 5);
    expect([...result.keys()]).toEqual(['woman', 'man']);
  });

  it('a single small group is merged with the next smallest, so it cannot be worked out by elimination', () => {
    const result = suppressSmallGenderGroups(
      new Map([['woman', n(12, 'w')], ['man', n(6, 'm')], ['another', n(1, 'a')]]),
      5,
    );
    expect([...result.keys()].sort()).toEqual(['suppressed', 'woman']);
    expect(result.get('suppressed')).toHaveLength(7);
    expect(result.get('woman')).toHaveLength(12);
  });

  it('several small groups are merged together and the large ones stay visible', () => {
    const result = suppressSmallGenderGroups(
      new Map([['woman', n(9, 'w')], ['man', n(8, 'm')], ['another', n(1, 'a')], ['not_recorded', n(3, 'x')]]),
      5,
    );
    expect([...result.keys()].sort()).toEqual(['man', 'suppressed', 'woman']);
    expect(result.get('suppressed')).toEqual([...n(1, 'a'), ...n(3, 'x')]);
  });

  it('a stratum where everything is small becomes one suppressed group', () => {
    const result = suppressSmallGenderGroups(new Map([['woman', n(2, 'w')]]), 5);
    expect([...result.entries()]).toEqual([['suppressed', n(2, 'w')]]);
  });
});
