// The public face of the pure domain: everything that decides a number is reachable from here.
export * from './result';
export * from './election';
export * from './protocol';
export * from './precinct';
export * from './allocation';
export * from './views';
export * from './forensics';
export * from './fixtures';
export * from './percent';
export * from './instant';
export * from './events';
