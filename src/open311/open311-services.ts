/**
 * The GeoReport v2 service list: one service per ticket category, its code the category itself
 * (`outage`, `leak`…), so a request filed through Open311 becomes the same ticket a resident's
 * SMS would open. No service has extra attributes (`metadata: false`) and every one is
 * `realtime`: the request is a ticket as soon as it is posted.
 */
import { CATEGORIES, type Category } from '../domain/ticket';
import type { Translator } from '../i18n/translator';

export interface Open311Service {
  service_code: Category;
  service_name: string;
  description: string;
  metadata: false;
  type: 'realtime';
  keywords: string | null;
  group: string;
}

export function isServiceCode(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

export function listServices(translator: Pick<Translator, 'render'>, language = 'es' as const): Open311Service[] {
  return CATEGORIES.map((category) => ({
    service_code: category,
    service_name: translator.render(`console.category.${category}`, language),
    description: translator.render(`open311.service.${category}`, language),
    metadata: false,
    type: 'realtime',
    keywords: null,
    group: translator.render('open311.service.group', language),
  }));
}
