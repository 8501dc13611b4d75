export * from './stored-event.codec';
