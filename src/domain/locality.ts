/**
 * A town served by one operator. Twilio numbers route inbound messages to it; the embedded
 * default seeds a catch-all demo locality so `npm start` answers on any number.
 */
export interface Locality {
  id: string;
  /** Short slug used in the CLI and URLs, e.g. `san-martin`. */
  slug: string;
  name: string;
  timeZone: string;
  sectors: string[];
  /** E.164 numbers (without the `whatsapp:` prefix) that route to this locality. */
  phoneNumbers: string[];
  /** Answers on numbers no other locality claims. */
  isCatchAll: boolean;
  /**
   * Publication settings (issue 6); absent means the defaults. `minCellSize`: gender cells under
   * it are suppressed (default 5). `summaryWeekday` (1 = Monday … 7) and `summaryHour` (0–23,
   * local time): when the weekly committee summary goes out (default Monday 08:00).
   */
  minCellSize?: number;
  summaryWeekday?: number;
  summaryHour?: number;
  createdAt: string;
}
