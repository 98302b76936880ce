/**
 * How a figure leaves the system. A suppressed cell and an empty cell are the same object
 * (`value: null`, `display: '<5'`), so no page, CSV, SMS or API answer can tell them apart.
 */
export interface PublishedCount {
  /** null when suppressed or empty. */
  value: number | null;
  /** The value as text, or `<k` (e.g. `<5`). */
  display: string;
}

export function hiddenDisplay(k: number): string {
  return `<${k}`;
}

export function publishedCount(value: number, isHidden: boolean, k: number): PublishedCount {
  return isHidden || value === 0 ? { value: null, display: hiddenDisplay(k) } : { value, display: String(value) };
}

/** A count that is not broken down by gender (category counts, totals): shown as it is. */
export function plainCount(value: number): PublishedCount {
  return { value, display: String(value) };
}
