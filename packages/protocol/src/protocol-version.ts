/**
 * Version of the clawgate wire protocol, sent in every `connected` notification.
 * It changes only when an existing client would misread the new wire format.
 */
export const PROTOCOL_VERSION = 1;

/** Type of {@link PROTOCOL_VERSION}. */
export type ProtocolVersion = typeof PROTOCOL_VERSION;
