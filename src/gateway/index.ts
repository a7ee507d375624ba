export { errorBody, GATEWAY_ERRORS, type GatewayErrorCode, type OpenAiErrorBody } from './errors.js';
export { keyIdOf } from './exchange.js';
export { DEFAULT_POLICY, GatewayPolicyError, gatewayPolicy, parseGatewayPolicy } from './policy.js';
export { matchRoute, ROUTE_PATHS, ROUTES } from './routes.js';
export { createGateway, type Gateway, type GatewayOptions } from './server.js';
export type { GatewayEvent, GatewayEventData, GatewayPolicy, RoutePolicy, Verdict } from './types.js';
