/**
 * Picks the transport from configuration: Twilio when credentials are set, otherwise the local
 * recorder, and says which one at start-up so a silent "sent" in development is never mistaken for
 * a real SMS.
 */
import { hasTwilioCredentials, type Config } from '../../config/config';
import type { Logger } from '../../shared/logger';
import { createLocalTransport } from './local-transport';
import type { Transport } from './transport';
import type * as TwilioTransportModule from './twilio-transport';

export interface TransportFactoryOptions {
  config: Config;
  logger: Logger;
  /** Sending number for rows without a locality number (the config has no variable for it yet). */
  defaultFromPhone?: string;
  messagingServiceSid?: string;
}

export function createTransportFromConfig(options: TransportFactoryOptions): Transport {
  const { config, logger } = options;
  if (hasTwilioCredentials(config) && config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN) {
    logger.info(
      { transport: 'twilio', apiBaseUrl: config.TWILIO_API_BASE_URL ?? 'https://api.twilio.com', statusCallbacks: Boolean(config.PUBLIC_BASE_URL) },
      'outbound messages go through Twilio',
    );
    const settings = {
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      defaultFromPhone: options.defaultFromPhone,
      messagingServiceSid: options.messagingServiceSid,
    };
    // The twilio package is the slowest to load of all (~0.8 s here): load it at the first send,
    // not before the service answers /healthz (issue 11, start-up time).
    let transport: Transport | null = null;
    const twilioTransport = (): Transport => {
      if (!transport) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createTwilioTransport } = require('./twilio-transport') as typeof TwilioTransportModule;
        transport = createTwilioTransport(settings);
      }
      return transport;
    };
    // Every member of the port is forwarded (the reconciliation of issue 7 needs `findSent`).
    return {
      name: 'twilio',
      send: (request) => twilioTransport().send(request),
      findSent: (lookup) => {
        const real = twilioTransport();
        return real.findSent ? real.findSent(lookup) : Promise.resolve(null);
      },
    };
  }
  logger.warn(
    { transport: 'local' },
    'no Twilio credentials: outbound messages are only recorded and logged, nothing reaches a real phone',
  );
  return createLocalTransport({ logger });
}
