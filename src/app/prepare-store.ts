/**
 * First-start duties: a demo locality that answers on any number (so `npm start` works at once)
 * and the first console admin, whose generated password is printed once.
 */
import type { Container } from './container';

export async function prepareStore(container: Container): Promise<void> {
  const demo = await container.localities.seedDemoIfEmpty();
  if (demo) {
    container.logger.info({ locality: demo.slug }, 'empty store: seeded the demo locality (answers on any number)');
    console.log(`Seeded the demo locality "${demo.name}": it answers on any number.`);
  }
  const admin = await container.users.ensureFirstAdmin({ password: container.config.ADMIN_PASSWORD });
  if (admin.created) {
    container.logger.info({ username: admin.username }, 'empty store: created the first admin');
    console.log(
      admin.password
        ? `Created the console admin. Log in as "${admin.username}" with password: ${admin.password}  (shown once; change it with: npx aguavoz user reset-password admin)`
        : `Created the console admin "${admin.username}" with the password from ADMIN_PASSWORD.`,
    );
  }
}
