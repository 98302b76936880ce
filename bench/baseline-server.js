/*
 * The benchmark's baseline: the least an Express 5 Twilio webhook can do — parse the form and
 * answer empty TwiML. Run as its own process so it gets the same share of the machine as AguaVoz.
 */
const express = require('express');

const app = express();
app.post('/webhooks/twilio/messages', express.urlencoded({ extended: false, limit: '64kb' }), (_req, res) => {
  res.status(200).type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
});
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
