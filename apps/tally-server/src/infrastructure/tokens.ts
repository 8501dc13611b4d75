// Ports are bound to these tokens, and everything else injects the token: the adapters in
// InfrastructureModule; intake's refusal sink in IntakeModule, which owns its one implementation.
export const APP_CONFIG = Symbol('APP_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const SUBMISSION_QUEUE = Symbol('SUBMISSION_QUEUE');
/** IntakeRefusalSink (intake/intake-refusal-sink.ts): where intake hands every request it refused. */
export const INTAKE_REFUSAL_SINK = Symbol('INTAKE_REFUSAL_SINK');
