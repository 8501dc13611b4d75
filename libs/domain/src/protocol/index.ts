// Protocols: their shape, the control relations, and the refusal vocabulary.
export { protocolLines, ProtocolShape, totalIssued } from './protocol';
export type { Protocol } from './protocol';
export type { Refusal, RefusalCode } from './refusal';
export {
  CONTROL_RELATION_CODES,
  TurnoutReportShape,
  choicesOf,
  countRefusals,
  defaultProtocolRules,
  refusalsFromZod,
  validateProtocol,
  validateTurnoutReport,
} from './protocol.validation';
export type { ProtocolRules, TurnoutReport, ValidationOptions } from './protocol.validation';
