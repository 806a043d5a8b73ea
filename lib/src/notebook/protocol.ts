/**
 * Jupyter messaging protocol 5.3, wire level: message headers, HMAC-SHA256 signing and the multipart
 * frame layout `[identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]`
 * (https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol).
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** The protocol version this client speaks. */
export const PROTOCOL_VERSION = "5.3";

/** The delimiter between ZeroMQ routing identities and the signed message parts. */
export const DELIMITER = Buffer.from("<IDS|MSG>");

/** A message header. */
export interface MessageHeader {
  /** Unique id; replies and IOPub messages name it in their parent_header. */
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded Jupyter message. */
export interface JupyterMessage<C = Record<string, unknown>> {
  /** ZeroMQ routing prefix (empty on DEALER-side receives; the topic on IOPub). */
  identities: Buffer[];
  /** This message's header. */
  header: MessageHeader;
  /** Header of the request this message answers ({} for none). */
  parent_header: Partial<MessageHeader>;
  /** Message metadata. */
  metadata: Record<string, unknown>;
  /** The message body (depends on msg_type). */
  content: C;
  /** Extra binary buffers. */
  buffers: Buffer[];
}

/** A message whose signature did not verify or whose frames are malformed. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** HMAC-SHA256 hex digest of the four signed parts (empty string when the key is empty: signing off). */
export function signParts(key: string, parts: Array<Buffer | string>): string {
  if (key === "") return "";
  const h = createHmac("sha256", key);
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** A new message with a fresh msg_id. */
export function createMessage<C extends object>(msgType: string, content: C, session: string, username = "battery-mi"): JupyterMessage<C> {
  return {
    identities: [],
    header: { msg_id: randomUUID(), session, username, date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION },
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  };
}

/** Serialises and signs a message into ZeroMQ frames. */
export function encodeMessage(msg: JupyterMessage<object>, key: string): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) => Buffer.from(JSON.stringify(p)));
  return [...msg.identities, DELIMITER, Buffer.from(signParts(key, parts)), ...parts, ...msg.buffers];
}

/**
 * Parses ZeroMQ frames into a message and verifies its signature (constant-time comparison).
 *
 * @throws ProtocolError when the delimiter or parts are missing, the signature is wrong, or a part is
 *   not JSON. Such messages are dropped by the client rather than trusted.
 */
export function decodeMessage(frames: Buffer[], key: string): JupyterMessage {
  const d = frames.findIndex((f) => f.equals(DELIMITER));
  if (d < 0) throw new ProtocolError("message has no <IDS|MSG> delimiter");
  if (frames.length < d + 6) throw new ProtocolError(`message has ${frames.length - d - 1} parts after the delimiter; expected at least 5`);
  const signature = frames[d + 1]!.toString();
  const parts = frames.slice(d + 2, d + 6);
  if (key !== "") {
    const want = Buffer.from(signParts(key, parts));
    const got = Buffer.from(signature);
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw new ProtocolError("message signature does not match (HMAC-SHA256)");
  }
  let json: unknown[];
  try {
    json = parts.map((p) => JSON.parse(p.toString("utf8")));
  } catch (e) {
    throw new ProtocolError(`message part is not JSON: ${(e as Error).message}`);
  }
  return {
    identities: frames.slice(0, d),
    header: json[0] as MessageHeader,
    parent_header: (json[1] ?? {}) as Partial<MessageHeader>,
    metadata: (json[2] ?? {}) as Record<string, unknown>,
    content: (json[3] ?? {}) as Record<string, unknown>,
    buffers: frames.slice(d + 6),
  };
}
