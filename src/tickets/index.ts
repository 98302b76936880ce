export * from './ticket-actions';
export * from './ticket-errors';
export * from './ticket-transitions';
export * from './ticket-lifecycle';
