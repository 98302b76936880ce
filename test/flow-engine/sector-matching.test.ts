/**
 * Sector names with typos and abbreviations. These examples chose SECTOR_MIN_SIMILARITY (0.88):
 * every row here passes at it; 0.85 wrongly accepts "lima" for "Las Lomas".
 */
import { JaroWinklerDistance } from 'natural/lib/natural/distance';
import { findSector, matchSector, SECTOR_MIN_SIMILARITY, sectorMentioned } from '../../src/flow-engine/sector-matcher';
import { flows } from './engine-support';

const { places } = flows.vocabulary;
const town = ['Centro', 'Barrio Alto', 'Santa Rosa', 'Miraflores', 'San Martín', 'Bellavista', 'Las Flores', 'San Juan', 'Las Lomas'];

describe('sector matching with typos and abbreviations', () => {
  it.each([
    ['b. alto', 'Barrio Alto'],
    ['alto', 'Barrio Alto'],
    ['el alto', 'Barrio Alto'],
    ['bario alto', 'Barrio Alto'],
    ['sta rosa', 'Santa Rosa'],
    ['Sta. Rosa', 'Santa Rosa'],
    ['por el centro', 'Centro'],
    ['CENTRO', 'Centro'],
    ['Miraflore', 'Miraflores'],
    ['san martn', 'San Martín'],
    ['belavista', 'Bellavista'],
    ['Bella Vista', 'Bellavista'],
    ['sector las flores', 'Las Flores'],
    ['vivo en el barrio san juan', 'San Juan'],
    ['la loma', 'Las Lomas'],
  ])('%j → %s', (reply, sector) => expect(matchSector(reply, town, places)).toBe(sector));

  it('an abbreviated sector list ("Sta. Rosa", "B. Alto") is normalized like the reply', () => {
    const abbreviated = ['Sta. Rosa', 'B. Alto', 'Centro'];
    expect(matchSector('santa rosa', abbreviated, places)).toBe('Sta. Rosa');
    expect(matchSector('barrio alto', abbreviated, places)).toBe('B. Alto');
    expect(matchSector('sta rosa', abbreviated, places)).toBe('Sta. Rosa');
  });

  it.each(['Lima', 'xyz', 'san', 'jr. ayacucho 4'])('%j matches no sector', (reply) => expect(matchSector(reply, town, places)).toBeNull());

  it('two close candidates are both offered instead of a guess', () => {
    expect(findSector('el alto', ['Centro', 'Alto Perú', 'Alto Trujillo'], places)).toEqual({ kind: 'ambiguous', candidates: ['Alto Perú', 'Alto Trujillo'] });
  });

  it('the threshold sits between the weakest accepted typo and the strongest rejected word', () => {
    expect(JaroWinklerDistance('miraflore', 'miraflores')).toBeGreaterThan(SECTOR_MIN_SIMILARITY);
    expect(JaroWinklerDistance('lima', 'lomas')).toBeLessThan(SECTOR_MIN_SIMILARITY);
  });

  it('a sector named inside a sentence is found only when all its words are there and it is the only one', () => {
    expect(sectorMentioned('no hay agua en el b. alto desde ayer', town, places)).toBe('Barrio Alto');
    expect(sectorMentioned('sale agua sucia en sta rosa', town, places)).toBe('Santa Rosa');
    expect(sectorMentioned('no hay agua en la calle lima', town, places)).toBeNull();
  });
});
