/**
 * Field errors as kube-apiserver words them: one constructor per failure kind, the same `reason` (cause type)
 * and the same message body. Follows k8s.io/apimachinery `pkg/util/validation/field/errors.go` as of
 * Kubernetes 1.32 (the version the sandbox reports): `ErrorBody`, `Invalid`, `TypeInvalid`, `Required`,
 * `NotSupported`, `TooLong` ("may not be more than N bytes"), `TooMany`.
 */
export type FieldErrorType = 'FieldValueInvalid' | 'FieldValueTypeInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueTooLong' | 'FieldValueTooMany' | 'FieldValueDuplicate' | 'FieldValueForbidden';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The message without the field: what a Status cause carries. */
  body: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
};

/** How Go prints a bad value: strings quoted (%q), numbers and booleans plain (%v), null as "null". */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '"null"';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Go's strconv.Quote for the strings that occur here (JSON escaping agrees with it on ASCII). */
export function goQuote(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function make(type: FieldErrorType, field: string, value: unknown, detail: string, showValue: boolean): FieldError {
  let body = TYPE_TEXT[type];
  if (showValue) body += `: ${goValue(value)}`;
  if (detail) body += `: ${detail}`;
  return { type, field, body };
}

export const fieldInvalid = (field: string, value: unknown, detail: string) => make('FieldValueInvalid', field, value, detail, true);
export const fieldTypeInvalid = (field: string, value: unknown, detail: string) => make('FieldValueTypeInvalid', field, value, detail, true);
export const fieldRequired = (field: string, detail = '') => make('FieldValueRequired', field, '', detail, false);
export const fieldNotSupported = (field: string, value: unknown, supported: string[]) =>
  make('FieldValueNotSupported', field, value, supported.length ? `supported values: ${supported.map(goQuote).join(', ')}` : '', true);
export const fieldTooLong = (field: string, max: number) => make('FieldValueTooLong', field, '', max >= 0 ? `may not be more than ${max} bytes` : 'value is too long', false);
export const fieldTooMany = (field: string, actual: number, max: number) => make('FieldValueTooMany', field, actual, max >= 0 ? `must have at most ${max} items` : 'has too many items', true);
export const fieldDuplicate = (field: string, value: unknown) => make('FieldValueDuplicate', field, value, '', true);

/** `field: body`, as FieldError.Error() prints it. */
export const errorText = (e: FieldError) => `${e.field}: ${e.body}`;
