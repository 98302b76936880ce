import { existsSync } from 'node:fs';

/** Reads `.env` from the working folder when present; real environment variables win. */
export function loadEnvironment(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
