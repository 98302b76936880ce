/**
 * Where Twilio reports delivery. Its own module so that the status-callback route, mounted at
 * start-up, does not load the `twilio` package (about 250 ms, issue 11) before the first send.
 */
export const STATUS_CALLBACK_PATH = '/webhooks/twilio/status';
