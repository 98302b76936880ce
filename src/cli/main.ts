/**
 * The `aguavoz` command line: run the service (all in one, or web and worker apart), talk to it
 * like a phone, check flows, and manage localities and operator accounts.
 */
import { Command, Option } from 'commander';
import { ConfigError } from '../config/config';
import { registerLocalityCommands } from './locality-commands';
import { registerOpen311Commands } from './open311-commands';
import { registerUserCommands } from './user-commands';
import { registerNlpCommands } from './nlp-commands';
import { registerCommitteeCommands } from './committee-commands';
import { loadEnvironment } from './load-environment';

const program = new Command();
program.name('aguavoz').description('AguaVoz: water and sanitation complaints by SMS and WhatsApp').showHelpAfterError();

program
  .command('start')
  .description('web server and all workers in one process (the embedded default)')
  .action(async () => {
    const { runProcess } = await import('../app/run-process');
    await runProcess({ web: true, worker: true });
  });

program
  .command('web')
  .description('only the web server: webhooks, console, API')
  .action(async () => {
    const { runProcess } = await import('../app/run-process');
    await runProcess({ web: true, worker: false });
  });

program
  .command('worker')
  .description('only the workers: conversations, sending, SLA deadlines, alerts')
  .action(async () => {
    const { runProcess } = await import('../app/run-process');
    await runProcess({ web: false, worker: true });
  });

program
  .command('chat')
  .description('a terminal phone: text the running server as Twilio would and read the replies')
  .option('--url <url>', 'server URL', `http://127.0.0.1:${process.env.PORT ?? '3000'}`)
  .option('--from <phone>', "the phone you text from (E.164): a resident's, or a staff member's for SMS commands", '+51987000111')
  .option('--to <phone>', "the town's number (E.164)", '+51900000000')
  .option('--whatsapp', 'send as WhatsApp instead of SMS', false)
  .addOption(new Option('--wait <ms>', 'how long to wait for replies').default('8000'))
  .action(async (options: { url: string; from: string; to: string; whatsapp: boolean; wait: string }) => {
    const { runChat } = await import('./chat-command');
    await runChat({
      url: options.url,
      from: options.from,
      to: options.to,
      whatsapp: options.whatsapp,
      authToken: process.env.TWILIO_AUTH_TOKEN || undefined,
      publicBaseUrl: process.env.PUBLIC_BASE_URL || undefined,
      waitMs: Number(options.wait),
    });
  });

const flows = program.command('flows').description('declarative conversations in flows/');
flows
  .command('check')
  .description('validate every flow: schema, reachable steps, exits, text keys in every locale')
  .option('--flows <dir>', 'flows folder', 'flows')
  .option('--locales <dir>', 'locales folder', 'locales')
  .action(async (options: { flows: string; locales: string }) => {
    const { runFlowsCheck } = await import('./flows-check-command');
    process.exitCode = runFlowsCheck({ flowsDir: options.flows, localesDir: options.locales });
  });

flows
  .command('build')
  .description('check the flows and locales in full and record them for start-up (npm run build does this)')
  .option('--out <file>', 'where to write it', 'dist/checked-content.json')
  .action(async (options: { out: string }) => {
    const { runFlowsBuild } = await import('./flows-build-command');
    process.exitCode = runFlowsBuild(options);
  });

registerLocalityCommands(program);
registerUserCommands(program);
registerNlpCommands(program);
registerOpen311Commands(program);
registerCommitteeCommands(program);

async function main(): Promise<void> {
  loadEnvironment();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  // Operational errors (bad input, a missing account) carry a `code`: say what is wrong, no stack.
  const isOperational = error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
  const isUserMistake = error instanceof Error && error.constructor === Error;
  console.error(error instanceof Error ? (isOperational || isUserMistake ? `error: ${error.message}` : (error.stack ?? error.message)) : error);
  process.exit(1);
});
