export {
  DEFAULT_PRESENCE_TIMING,
  PresenceTracker,
  conversationIdsOfRooms,
  type PresenceTiming,
  type PresenceTrackerOptions,
  type RoomConnection,
} from './presence-tracker.js';
