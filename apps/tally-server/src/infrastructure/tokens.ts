// Ports are bound to these tokens in InfrastructureModule only; everything else injects the token.
export const APP_CONFIG = Symbol('APP_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const SUBMISSION_QUEUE = Symbol('SUBMISSION_QUEUE');
