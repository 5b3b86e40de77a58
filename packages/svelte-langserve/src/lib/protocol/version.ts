/**
 * The protocol version this build speaks. Sent by clients in the Socket.IO handshake
 * (`auth.protocolVersion`); a server refuses a client whose version it does not speak.
 */
export const PROTOCOL_VERSION = 1 as const;

/** The type of {@link PROTOCOL_VERSION}. */
export type ProtocolVersion = typeof PROTOCOL_VERSION;
