export { appendEvents, EVENT_CHANNEL, EVENT_LOG_LOCK_KEY } from './append-events.js';
export { readEventsAfter } from './read-events.js';
export { type AppendedEvent, EVENT_TYPES, type EventType, type NewEvent, type StoredEvent } from './types.js';
