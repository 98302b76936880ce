export * from './sla-errors';
export * from './business-calendar';
export * from './sla-policy';
export * from './sla-deadlines';
