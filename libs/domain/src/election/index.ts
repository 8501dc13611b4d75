export * from './election-definition';
export * from './parse-election-definition';
export * from './election-index';
export * from './election.events';
