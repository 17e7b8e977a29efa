/**
 * The part of the Standard Schema v1 contract (https://standardschema.dev) the gateway uses.
 * Zod 4 schemas satisfy it, so handlers get their params type inferred from the schema
 * without the gateway depending on zod.
 */
export interface StandardSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  };
}

/** Outcome of {@link StandardSchema} validation. */
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardSchemaIssue> };

/** One problem found by a {@link StandardSchema}. */
export interface StandardSchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** One invalid-params issue as sent in `error.data.issues`. */
export interface ParamsIssue {
  path: Array<string | number>;
  message: string;
}

/** Outcome of {@link validateWithSchema}. */
export type ValidationOutcome<Output> =
  { ok: true; value: Output } | { ok: false; issues: ParamsIssue[] };

function toPathSegment(segment: PropertyKey | { readonly key: PropertyKey }): string | number {
  const key = typeof segment === 'object' ? segment.key : segment;
  return typeof key === 'symbol' ? String(key) : key;
}

/** Flattens issues to `{ path, message }`, the shape sent in `error.data.issues`. */
export function toParamsIssues(issues: ReadonlyArray<StandardSchemaIssue>): ParamsIssue[] {
  return issues.map((issue) => ({
    path: (issue.path ?? []).map(toPathSegment),
    message: issue.message,
  }));
}

/** Validates a value and flattens the issues to `{ path, message }`. */
export async function validateWithSchema<Output>(
  schema: StandardSchema<Output>,
  value: unknown,
): Promise<ValidationOutcome<Output>> {
  const result = await schema['~standard'].validate(value);
  if (result.issues === undefined) return { ok: true, value: result.value };

  return { ok: false, issues: toParamsIssues(result.issues) };
}
