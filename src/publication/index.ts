/**
 * The one publication rule (DESIGN §6b). Everything that leaves the operator's console — the
 * committee SMS, the public page, CSV, Open311, the metrics API — takes its figures from here:
 *
 * - periods: {@link isoWeekContaining}, {@link monthContaining}, {@link lastCompleteIsoWeeks},
 *   {@link snapToIsoWeeks} (never an arbitrary instant);
 * - suppression: {@link publishGenderTable} (primary + secondary over every sum),
 *   {@link cellsHiddenInAnyWeek} for aggregates over weeks, {@link protectCells} for other tables;
 *   a suppressed and an empty cell are the same {@link PublishedCount} (`<5`);
 * - figures: {@link computePeriodFigures} (pure) and {@link createPublicationFigures} (store-backed);
 * - the equity flag: {@link evaluateEquity}.
 */
export * from './aligned-period';
export * from './cell-suppression';
export * from './equity-flag';
export * from './gender-table';
export * from './period-figures';
export * from './publication-figures';
export * from './published-value';
