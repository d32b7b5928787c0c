/**
 * Salesforce-shaped errors: `[{"message","errorCode","fields"}]` for REST, `{statusCode,message,fields}` in save
 * results.
 */

export type SaveError = {
  statusCode: string;
  message: string;
  fields: string[];
  /** DUPLICATES_DETECTED: the rule and the matched records (a DuplicateError, SOAP API Developer Guide). */
  duplicateResult?: unknown;
};

/** An error that a REST handler turns into `[{ message, errorCode, fields? }]` with the given HTTP status. */
export class ApiError extends Error {
  public constructor(
    public readonly status: number,
    public readonly errorCode: string,
    message: string,
    public readonly fields?: string[],
    public readonly extra?: Record<string, unknown>,
    /** The full error list, when there is more than one (a record failing several rules). */
    public readonly entries?: unknown
  ) {
    super(message);
    this.name = errorCode;
  }

  public body(): unknown {
    if (this.entries !== undefined) return this.entries;
    const entry: Record<string, unknown> = { message: this.message, errorCode: this.errorCode };
    if (this.fields) entry.fields = this.fields;
    return [{ ...entry, ...(this.extra ?? {}) }];
  }
}

/**
 * A per-record failure (validation, duplicates): becomes a save result's `errors[]`, or a 400 on single-record calls.
 */
export class RecordError extends Error {
  public constructor(public readonly errors: SaveError[]) {
    super(errors.map((e) => `${e.statusCode}: ${e.message}`).join('; '));
    this.name = errors[0]?.statusCode ?? 'UNKNOWN_EXCEPTION';
  }

  public static of(statusCode: string, message: string, fields: string[] = []): RecordError {
    return new RecordError([{ statusCode, message, fields }]);
  }

  /** The body a single-record REST call answers with (400). */
  public restBody(): unknown {
    return this.errors.map((e) => ({
      ...(e.duplicateResult === undefined ? {} : { duplicateResult: e.duplicateResult }),
      message: e.message,
      errorCode: e.statusCode,
      fields: e.fields,
    }));
  }
}

export function notFound(message = 'The requested resource does not exist'): ApiError {
  return new ApiError(404, 'NOT_FOUND', message);
}

/** An error naming what the emulator does not model, so a caller never mistakes the gap for a real org's answer. */
export const NOT_MODELLED = 'EMULATOR_NOT_MODELLED';
