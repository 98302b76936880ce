/**
 * The pure rules of automatic linking, shared by both store adapters (which run them inside
 * their transaction) and the host that builds the link request: which key groups sector
 * reports, and which pin incident a WhatsApp location joins.
 */
import type { Incident } from '../domain/incident';
import type { Category, GeoPoint } from '../domain/ticket';
import { normalizeWord } from '../flow-engine/text-normalizer';

/** `Barrio  Alto`, `barrio alto`, `BARRIO ÁLTO` → `barrio alto`. */
export function sectorKeyPart(sector: string): string {
  return sector.split(/\s+/).map(normalizeWord).filter(Boolean).join(' ');
}

/** `<locality>|<category>|s:<sector, normalized>`: reports that share it share an incident. */
export function sectorLinkKey(localityId: string, category: Category, sector: string): string {
  return `${localityId}|${category}|s:${sectorKeyPart(sector)}`;
}

/** The key a pin-only incident holds while it collects reports (unique per incident). */
export function pinLinkKey(localityId: string, category: Category, incidentId: string): string {
  return `${localityId}|${category}|p:${incidentId}`;
}

const EARTH_RADIUS_M = 6_371_000;

/** Great-circle distance (haversine), precise to metres at town scale. */
export function distanceMeters(a: Pick<GeoPoint, 'lat' | 'lng'>, b: Pick<GeoPoint, 'lat' | 'lng'>): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The nearest candidate within `maxMeters` of `point` (ties: the oldest), or null. */
export function nearestPinIncident(candidates: Incident[], point: GeoPoint, maxMeters: number): Incident | null {
  let best: { incident: Incident; distance: number } | null = null;
  for (const incident of candidates) {
    if (!incident.location) continue;
    const distance = distanceMeters(incident.location, point);
    if (distance > maxMeters) continue;
    if (!best || distance < best.distance || (distance === best.distance && incident.createdAt < best.incident.createdAt)) {
      best = { incident, distance };
    }
  }
  return best?.incident ?? null;
}

/** An incident still collecting: open, keyed, and its last report inside the window. */
export function isCollecting(incident: Incident, windowStartsAt: string): boolean {
  return incident.status === 'open' && incident.linkKey !== null && incident.lastReportAt >= windowStartsAt;
}

/** The sectors list after a ticket of `sector` joined. */
export function withSector(sectors: string[], sector: string | null): string[] {
  if (!sector || sectors.some((s) => sectorKeyPart(s) === sectorKeyPart(sector))) return sectors;
  return [...sectors, sector];
}
