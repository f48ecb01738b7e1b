import pino from 'pino';

/** Silent under vitest unless LOG_LEVEL asks otherwise, so test output stays readable. */
function level(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LOG_LEVEL) return env.LOG_LEVEL;
  return env.VITEST ? 'silent' : 'info';
}

export const log = pino({ name: 'jetvm', level: level() });
