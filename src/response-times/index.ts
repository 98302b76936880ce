export * from './nearest-rank-percentile';
export * from './gender-suppression';
export * from './response-time-stats';
