/**
 * The conversation processor's hook for staff phones: an inbound message from a number that
 * belongs to a user (any role) is an operator command, never a resident conversation. It is
 * answered and the message is marked processed in ONE commit (no resident row is created for a
 * staff number), then the answer is queued for sending.
 *
 * Call it inside the processor's per-phone lock, before the resident is looked up:
 *
 * @example
 *   const staff = await operatorInbound.handle(message, locality);
 *   if (staff) return { messageId: message.id, outcome: 'processed', ticketIds: [], outboxIds: staff.outboxIds };
 *   // …otherwise the resident flow as before
 */
import type { Locality } from '../domain/locality';
import type { InboundMessage } from '../domain/message';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import { toAuthenticatedUser } from '../users/user-service';
import type { Translator } from '../i18n/translator';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import { isOperatorSender, OPERATOR_COMMAND_KIND, type OperatorCommandHandler } from './operator-commands';

export interface OperatorInboundDeps {
  repo: Pick<Repository, 'findUserByPhone' | 'commit'>;
  commands: OperatorCommandHandler;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  logger: Logger;
  /** When the message is applied (the processor's clock). */
  now: () => string;
  /** For the answer to a disabled account. */
  translator: Pick<Translator, 'render'>;
  newId: () => string;
}

export interface OperatorTurn {
  userId: string;
  outboxIds: string[];
}

export interface OperatorInbound {
  /** Null when the sender is not a user: the caller runs the resident conversation. */
  handle(message: InboundMessage, locality: Pick<Locality, 'id' | 'phoneNumbers'> | null): Promise<OperatorTurn | null>;
}

export function createOperatorInbound(deps: OperatorInboundDeps): OperatorInbound {
  return {
    async handle(message, locality) {
      const user = await isOperatorSender(deps.repo, message.fromPhone);
      if (!user) return null;
      if (user.disabledAt) {
        // Still a staff number (never a resident conversation), but it may no longer act.
        const outbox = user.phone
          ? [
              newOutboxMessage({
                id: deps.newId(),
                now: deps.now(),
                channel: message.channel,
                toPhone: user.phone,
                fromPhone: message.toPhone,
                text: deps.translator.render('workday.account_disabled', user.language ?? 'es'),
                kind: OPERATOR_COMMAND_KIND,
                userId: user.id,
                residentId: null,
              }),
            ]
          : [];
        await deps.repo.commit({
          inboundProcessed: { id: message.id, at: deps.now(), residentId: null, localityId: locality?.id ?? null },
          outbox,
        });
        await deps.dispatcher.enqueue(outbox.map((row) => row.id));
        deps.logger.info({ messageId: message.id, userId: user.id }, 'staff message from a disabled account refused');
        return { userId: user.id, outboxIds: outbox.map((row) => row.id) };
      }
      const result = await deps.commands.handle({
        user: toAuthenticatedUser(user),
        text: message.body,
        channel: message.channel,
        locality,
        toPhone: message.toPhone,
      });
      await deps.repo.commit({
        inboundProcessed: { id: message.id, at: deps.now(), residentId: null, localityId: locality?.id ?? null },
        outbox: result.outbox,
      });
      const outboxIds = result.outbox.map((row) => row.id);
      await deps.dispatcher.enqueue(outboxIds);
      deps.logger.info({ messageId: message.id, userId: user.id, command: result.command }, 'staff message answered with an operator command');
      return { userId: user.id, outboxIds };
    },
  };
}
