/**
 * First-start duties of the embedded default: a demo locality that answers on any number, so
 * `npm start` works at once.
 */
import type { Container } from './container';

export async function prepareStore(container: Container): Promise<void> {
  const demo = await container.localities.seedDemoIfEmpty();
  if (demo) {
    container.logger.info({ locality: demo.slug }, 'empty store: seeded the demo locality (answers on any number)');
    console.log(`Seeded the demo locality "${demo.name}": it answers on any number.`);
  }
}
