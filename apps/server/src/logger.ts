import { pino, type Logger } from 'pino';

/** The server's one logger. Credentials are redacted wherever they appear by name. */
export function createLogger(
  options: { level?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      name: 'clawgate',
      level: options.level ?? process.env.CLAWGATE_LOG_LEVEL ?? 'info',
      redact: {
        paths: [
          'token',
          'api_key',
          'apiKey',
          '*.token',
          '*.api_key',
          '*.apiKey',
          '*.authorization',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
