/**
 * `GET /console/assets/reply-counter.js`: the one script of the console, progressive enhancement
 * for the reply box. Without it the server's count (see reply-counter.ts) still shows; with it
 * the count follows every keystroke. Served from our origin (the CSP allows no inline script) and
 * built once from the same GSM-7 tables the sender uses, so the browser counts what is sent.
 */
import type { RequestHandler } from 'express';
import { gsm7Tables } from '../i18n/gsm7';

export const REPLY_COUNTER_PATH = '/console/assets/reply-counter.js';

function script(): string {
  const tables = JSON.stringify(gsm7Tables());
  return `(function () {
  'use strict';
  var T = ${tables};
  var gsm = new Set(T.alphabet.split(''));
  var ext = new Set(T.extension.split(''));
  function isGsm(c) { return gsm.has(c); }
  function toGsm7(text) {
    var out = '', changed = 0, dropped = false;
    Array.from(text.normalize('NFC')).forEach(function (c) {
      var r = c;
      if (!isGsm(c)) {
        if (Object.prototype.hasOwnProperty.call(T.replacements, c)) r = T.replacements[c];
        else {
          var s = c.normalize('NFD').replace(/\\p{M}/gu, '');
          r = s !== '' && Array.from(s).every(isGsm) ? s : '';
        }
        changed += 1;
        if (r === '') dropped = true;
      }
      out += r;
    });
    if (dropped) out = out.replace(/ {2,}/g, ' ').replace(/ +\\n/g, '\\n').replace(/\\n +/g, '\\n').trim();
    return { text: out, changed: changed };
  }
  function measure(text) {
    var septets = 0, gsmOnly = true;
    Array.from(text).forEach(function (c) { if (!isGsm(c)) gsmOnly = false; septets += ext.has(c) ? 2 : 1; });
    if (gsmOnly) return { charset: 'GSM-7', chars: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
    var units = text.length;
    return { charset: 'UCS-2', chars: units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
  }
  document.querySelectorAll('[data-reply-counter]').forEach(function (box) {
    var area = document.getElementById(box.getAttribute('data-for'));
    var out = box.querySelector('output');
    if (!area || !out) return;
    var d = box.dataset;
    function update() {
      var message = d.template.split(d.placeholder).join(area.value);
      if (d.channel === 'whatsapp') { out.textContent = d.whatsapp.replace('{chars}', String(Array.from(message).length)); return; }
      var adapted = toGsm7(message);
      var m = measure(adapted.text);
      var line = d.sms.replace('{segments}', String(m.segments)).replace('{charset}', m.charset).replace('{chars}', String(m.chars));
      if (adapted.changed > 0) line += ' ' + d.adapted.replace('{count}', String(adapted.changed));
      out.textContent = line;
      box.classList.toggle('late', m.segments > 2);
    }
    area.addEventListener('input', update);
    update();
  });
})();
`;
}

export function replyCounterScript(): RequestHandler {
  const body = script();
  return (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'public, max-age=3600').send(body);
  };
}
