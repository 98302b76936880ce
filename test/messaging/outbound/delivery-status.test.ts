import type { OutboxStatus } from '../../../src/domain/message';
import { fromTwilioStatus, isStatusAdvance } from '../../../src/messaging/outbound/delivery-status';

describe('delivery status order', () => {
  it.each<[OutboxStatus, OutboxStatus]>([
    ['queued', 'sending'],
    ['sending', 'sent'],
    ['sent', 'delivered'],
    ['delivered', 'read'],
    ['sent', 'read'],
    ['queued', 'failed'],
    ['sent', 'undelivered'],
    ['sent', 'failed'],
  ])('moves %s forward to %s', (current, next) => {
    expect(isStatusAdvance(current, next)).toBe(true);
  });

  it.each<[OutboxStatus, OutboxStatus]>([
    ['delivered', 'sent'],
    ['read', 'delivered'],
    ['sent', 'queued'],
    ['sent', 'sent'],
    ['undelivered', 'delivered'],
    ['failed', 'sent'],
    ['failed', 'undelivered'],
    ['delivered', 'failed'],
    ['delivered', 'undelivered'],
    ['read', 'failed'],
  ])('never moves %s back or sideways to %s', (current, next) => {
    expect(isStatusAdvance(current, next)).toBe(false);
  });

  it('maps Twilio words onto outbox statuses and ignores inbound ones', () => {
    expect(fromTwilioStatus('accepted')).toBe('queued');
    expect(fromTwilioStatus('Delivered')).toBe('delivered');
    expect(fromTwilioStatus('canceled')).toBe('failed');
    expect(fromTwilioStatus('received')).toBeNull();
  });
});
