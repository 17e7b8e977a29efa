export * from './close-codes.js';
export * from './gateway.js';
export * from './gateway-event.js';
export * from './gateway-options.js';
export type { HttpRouteHandler } from './http-routes.js';
export { httpErrorBody, writeJson, type HttpErrorBody } from './http-responses.js';
export type { MethodContext, MethodDefinition, MethodHandler } from './method-definition.js';
export type { GatewaySession } from './session.js';
export type {
  ParamsIssue,
  StandardSchema,
  StandardSchemaIssue,
  StandardSchemaResult,
} from './standard-schema.js';
