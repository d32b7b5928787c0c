/**
 * A small structured logger for the receiver: one line per event, `text` or `json`, with redaction. Fields whose
 * name suggests a secret or a payload, and values that look like an `Authorization` credential, never reach a line.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export type WebhookLogger = {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
};

export type LoggerOptions = {
  /** One JSON object per line (`--json-logs`); otherwise `time level event key=value…`. */
  json?: boolean;
  /** Lowest level written (default info). */
  level?: LogLevel;
  /** Where a finished line goes (default process.stderr: stdout is the command's own); the line has no newline. */
  write?: (line: string) => void;
  now?: () => Date;
};

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are never logged. */
const SECRET_KEY = /authorization|signature|token|secret|password|cookie|credential|body|payload|^key$|private/i;
/** Values that carry a credential whatever their field is called. */
const SECRET_VALUE = /\b(signature|bearer|basic)\s+[A-Za-z0-9+/=._~-]{8,}/gi;
const MAX_VALUE_LENGTH = 500;

export const REDACTED = '[redacted]';

/** A copy of `fields` that is safe to log (nested one level deep, long strings cut). */
export function redact(fields: LogFields, depth = 0): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key)) out[key] = REDACTED;
    else out[key] = redactValue(value, depth);
  }
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    const cleaned = value.replace(SECRET_VALUE, (_match, scheme: string) => `${scheme} ${REDACTED}`);
    return cleaned.length > MAX_VALUE_LENGTH ? `${cleaned.slice(0, MAX_VALUE_LENGTH)}…` : cleaned;
  }
  if (value instanceof Error) return redactValue(value.message, depth);
  if (Buffer.isBuffer(value)) return REDACTED;
  if (Array.isArray(value)) return depth > 1 ? '[…]' : value.slice(0, 20).map((item) => redactValue(item, depth + 1));
  if (value !== null && typeof value === 'object') return depth > 1 ? '{…}' : redact(value as LogFields, depth + 1);
  return value;
}

function textValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? 'undefined';
}

export function createLogger(options: LoggerOptions = {}): WebhookLogger {
  const min = LEVELS[options.level ?? 'info'];
  const now = options.now ?? ((): Date => new Date());
  const write =
    options.write ??
    ((line: string): void => {
      process.stderr.write(`${line}\n`);
    });
  const log =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}): void => {
      if (LEVELS[level] < min) return;
      const safe = redact(fields);
      const time = now().toISOString();
      if (options.json) {
        write(JSON.stringify({ time, level, event, ...safe }));
      } else {
        const pairs = Object.entries(safe)
          .filter(([, value]) => value !== undefined)
          .map(([key, value]) => `${key}=${textValue(value)}`);
        write([time, level, event, ...pairs].join(' '));
      }
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything (the default when none is given). */
export const silentLogger: WebhookLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
