package dev.blazedb.internal.sync;

import dev.blazedb.NodeId;
import dev.blazedb.ProtocolException;
import dev.blazedb.ProtocolVersionException;
import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.codec.BlazeBinaryException;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import dev.blazedb.transport.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The sync protocol's wire format: one message per {@link Frame}, the frame type naming the
 * message. docs/sync.md has the byte diagram of every message; the constants below give each
 * field's offset where the layout is fixed. All integers are big-endian.
 *
 * <p>{@link #decode} is the one place peer bytes are parsed: anything malformed, truncated,
 * oversized or out of range fails with {@link ProtocolException} saying what and where, never
 * with another exception, and no length read from the wire is trusted before it is checked
 * against the bytes that are actually there.
 */
public final class SyncCodec {

    /** The protocol version this implementation speaks. */
    public static final int VERSION = 1;

    /** HELLO's magic: "BZSY". */
    public static final int MAGIC = 0x425A5359;

    /** Message types (frame types, all below the transports' reserved range). */
    public static final int HELLO = 0x01;
    /** See {@link SyncMessage.Resume}. */
    public static final int RESUME = 0x02;
    /** See {@link SyncMessage.Changes}. */
    public static final int CHANGES = 0x03;
    /** See {@link SyncMessage.Fragment}. */
    public static final int FRAGMENT = 0x04;
    /** See {@link SyncMessage.Ack}. */
    public static final int ACK = 0x05;
    /** See {@link SyncMessage.Status}. */
    public static final int STATUS = 0x06;
    /** See {@link SyncMessage.Reject}. */
    public static final int REJECT = 0x07;
    /** See {@link SyncMessage.Goodbye}. */
    public static final int GOODBYE = 0x08;

    /** HELLO flags. */
    static final int HELLO_WILL_SEND = 0x0001;
    static final int HELLO_WILL_RECEIVE = 0x0002;
    static final int HELLO_KNOWS_PEER = 0x0004;

    /** Change kinds. */
    static final int KIND_PUT = 1;
    static final int KIND_TOMBSTONE = 2;

    /** Change flags. */
    static final int CHANGE_DELETED_AT = 0x01;
    static final int CHANGE_FIELD_VERSIONS = 0x02;

    /** STATUS flags. */
    static final int STATUS_REPLY_REQUESTED = 0x01;

    /** REJECT reasons. */
    public static final int REASON_RLS_INSERT = 1;
    /** Row-level security refused an update. */
    public static final int REASON_RLS_UPDATE = 2;
    /** Row-level security refused a delete. */
    public static final int REASON_RLS_DELETE = 3;
    /** The receiver does not sync the collection. */
    public static final int REASON_COLLECTION = 4;
    /** The change cannot be applied (for example the conflict resolver failed). */
    public static final int REASON_INVALID = 5;

    /** GOODBYE reasons. */
    public static final int BYE_NORMAL = 0;
    /** The peer speaks another protocol version. */
    public static final int BYE_VERSION = 1;
    /** The peer broke the protocol. */
    public static final int BYE_PROTOCOL = 2;
    /** The peer is not the node this side expected. */
    public static final int BYE_WRONG_PEER = 3;
    /** The database is closing. */
    public static final int BYE_SHUTDOWN = 4;
    /** This side failed. */
    public static final int BYE_INTERNAL = 5;

    /** HELLO fixed part: magic 4, version 2, flags 2, node 16, expected peer 16, resume 8, name length 2. */
    static final int HELLO_FIXED = 50;
    /** CHANGES header: covered-through 8, count 4. */
    public static final int CHANGES_HEADER = 12;
    /** A change's fixed part up to and including the collection length. */
    static final int CHANGE_FIXED = 60;
    /** FRAGMENT header: total length 4, offset 4. */
    public static final int FRAGMENT_HEADER = 8;
    /** STATUS: head 8, covered 8, applied 8, request id 4, flags 1. */
    static final int STATUS_LENGTH = 29;
    /** The largest collection name, in UTF-8 bytes (the log's limit). */
    public static final int MAX_COLLECTION_LENGTH = 1024;
    /** The largest text (database name, reason), in UTF-8 bytes. */
    public static final int MAX_TEXT_LENGTH = 1024;
    /** The largest CHANGES payload reassembled from fragments: 96 MiB (a record may take 64 MiB). */
    public static final int MAX_REASSEMBLED_LENGTH = 96 << 20;

    private static final UUID ZERO = new UUID(0, 0);

    private SyncCodec() {
    }

    // ------------------------------------------------------------------------------------------
    // Encoding

    /** The HELLO frame. */
    public static Frame hello(SyncMessage.Hello h) {
        byte[] name = utf8Truncated(h.database(), MAX_TEXT_LENGTH);
        ByteBuffer b = ByteBuffer.allocate(HELLO_FIXED + name.length);
        b.putInt(MAGIC).putShort((short) h.version());
        int flags = (h.willSend() ? HELLO_WILL_SEND : 0) | (h.willReceive() ? HELLO_WILL_RECEIVE : 0)
                | (h.expectedPeer() != null ? HELLO_KNOWS_PEER : 0);
        b.putShort((short) flags);
        putUuid(b, h.node().uuid());
        putUuid(b, h.expectedPeer() == null ? ZERO : h.expectedPeer().uuid());
        b.putLong(h.expectedPeer() == null ? 0 : h.resumePoint());
        b.putShort((short) name.length).put(name);
        return Frame.wrap(HELLO, b.array());
    }

    /** The RESUME frame. */
    public static Frame resume(long resumePoint) {
        return Frame.wrap(RESUME, ByteBuffer.allocate(8).putLong(resumePoint).array());
    }

    /** The ACK frame. */
    public static Frame ack(long appliedThrough) {
        return Frame.wrap(ACK, ByteBuffer.allocate(8).putLong(appliedThrough).array());
    }

    /** The STATUS frame. */
    public static Frame status(SyncMessage.Status s) {
        ByteBuffer b = ByteBuffer.allocate(STATUS_LENGTH);
        b.putLong(s.head()).putLong(s.coveredThrough()).putLong(s.appliedThrough()).putInt(s.requestId());
        b.put((byte) (s.replyRequested() ? STATUS_REPLY_REQUESTED : 0));
        return Frame.wrap(STATUS, b.array());
    }

    /** The REJECT frame. */
    public static Frame reject(SyncMessage.Reject r) {
        byte[] coll = utf8Truncated(r.collection(), MAX_COLLECTION_LENGTH);
        byte[] msg = utf8Truncated(r.message(), MAX_TEXT_LENGTH);
        ByteBuffer b = ByteBuffer.allocate(8 + 16 + 1 + 2 + coll.length + 2 + msg.length);
        b.putLong(r.sequence());
        putUuid(b, r.recordId());
        b.put((byte) r.reason());
        b.putShort((short) coll.length).put(coll);
        b.putShort((short) msg.length).put(msg);
        return Frame.wrap(REJECT, b.array());
    }

    /** The GOODBYE frame. */
    public static Frame goodbye(int reason, String message) {
        byte[] msg = utf8Truncated(message, MAX_TEXT_LENGTH);
        ByteBuffer b = ByteBuffer.allocate(1 + 2 + msg.length);
        b.put((byte) reason).putShort((short) msg.length).put(msg);
        return Frame.wrap(GOODBYE, b.array());
    }

    /**
     * Splits a CHANGES payload too large for one frame into FRAGMENT frames of at most
     * {@code maxFrameLength} bytes each.
     */
    public static List<Frame> fragments(byte[] payload, int length, int maxFrameLength) {
        int chunk = maxFrameLength - FRAGMENT_HEADER;
        if (chunk < 1) {
            throw new IllegalArgumentException("frames of " + maxFrameLength + " bytes cannot carry fragments");
        }
        if (length > MAX_REASSEMBLED_LENGTH) {
            throw new IllegalArgumentException("change of " + length + " bytes is larger than the protocol allows ("
                    + MAX_REASSEMBLED_LENGTH + ")");
        }
        List<Frame> out = new ArrayList<>(length / chunk + 1);
        for (int off = 0; off < length; off += chunk) {
            int n = Math.min(chunk, length - off);
            ByteBuffer b = ByteBuffer.allocate(FRAGMENT_HEADER + n);
            b.putInt(length).putInt(off).put(payload, off, n);
            out.add(Frame.wrap(FRAGMENT, b.array()));
        }
        return out;
    }

    /**
     * Builds CHANGES payloads change by change, in one growing array. Not thread-safe; reused
     * after {@link #reset()}.
     */
    public static final class ChangesWriter {
        private byte[] buf = new byte[4096];
        private int pos = CHANGES_HEADER;
        private int count;
        private long lastSequence;

        /** Starts a new batch. */
        public void reset() {
            pos = CHANGES_HEADER;
            count = 0;
            lastSequence = 0;
        }

        /** The changes in the batch. */
        public int count() {
            return count;
        }

        /** The payload length so far. */
        public int size() {
            return pos;
        }

        /** The sequence of the last change appended. */
        public long lastSequence() {
            return lastSequence;
        }

        /** The bytes a change takes, for deciding whether it still fits. */
        public static int changeSize(byte[] collectionUtf8, Version deletedAt, byte[] fieldVersions, int bodyLength,
                                     boolean tombstone) {
            int n = CHANGE_FIXED + collectionUtf8.length;
            if (deletedAt != null) {
                n += 24;
            }
            if (fieldVersions != null && fieldVersions.length > 0) {
                n += 4 + fieldVersions.length;
            }
            if (!tombstone) {
                n += 4 + bodyLength;
            }
            return n;
        }

        /**
         * Appends one change whose record is already encoded ({@code body}, null for a tombstone);
         * the caller has checked the size against its limit.
         */
        public void appendEncoded(long sequence, boolean tombstone, long hlc, NodeId origin, long originSequence, UUID id,
                                  byte[] collectionUtf8, Version deletedAt, byte[] fieldVersions, byte[] body) {
            append(sequence, tombstone, hlc, origin, originSequence, id, collectionUtf8, deletedAt, fieldVersions, null,
                    body == null ? 0 : body.length, body);
        }

        /**
         * Appends one change; the caller has checked the size against its limit. {@code record}
         * is encoded in place (null for a tombstone); {@code bodySize} is its
         * {@link BlazeBinary#encodedSize} size.
         */
        public void append(long sequence, boolean tombstone, long hlc, NodeId origin, long originSequence, UUID id,
                           byte[] collectionUtf8, Version deletedAt, byte[] fieldVersions, BlazeDataRecord record,
                           int bodySize) {
            append(sequence, tombstone, hlc, origin, originSequence, id, collectionUtf8, deletedAt, fieldVersions, record,
                    bodySize, null);
        }

        private void append(long sequence, boolean tombstone, long hlc, NodeId origin, long originSequence, UUID id,
                            byte[] collectionUtf8, Version deletedAt, byte[] fieldVersions, BlazeDataRecord record,
                            int bodySize, byte[] encoded) {
            int size = changeSize(collectionUtf8, deletedAt, fieldVersions, bodySize, tombstone);
            ensure(size);
            ByteBuffer b = ByteBuffer.wrap(buf);
            b.position(pos);
            b.putLong(sequence);
            b.put((byte) (tombstone ? KIND_TOMBSTONE : KIND_PUT));
            boolean hasVersions = fieldVersions != null && fieldVersions.length > 0;
            b.put((byte) ((deletedAt != null ? CHANGE_DELETED_AT : 0) | (hasVersions ? CHANGE_FIELD_VERSIONS : 0)));
            b.putLong(hlc);
            putUuid(b, origin.uuid());
            b.putLong(originSequence);
            putUuid(b, id);
            b.putShort((short) collectionUtf8.length).put(collectionUtf8);
            if (deletedAt != null) {
                b.putLong(deletedAt.hlc());
                putUuid(b, deletedAt.node().uuid());
            }
            if (hasVersions) {
                b.putInt(fieldVersions.length).put(fieldVersions);
            }
            if (!tombstone) {
                b.putInt(bodySize);
                if (encoded != null) {
                    b.put(encoded);
                } else {
                    BlazeBinary.encode(record, false, b);
                }
            }
            pos = b.position();
            count++;
            lastSequence = sequence;
        }

        private void ensure(int more) {
            long need = (long) pos + more;
            if (need > buf.length) {
                if (need > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("batch too large");
                }
                buf = java.util.Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 16, buf.length * 2L)));
            }
        }

        /**
         * The batch's payload with its header filled in, as a new array of exactly its length
         * (the writer keeps its buffer for the next batch).
         */
        public byte[] finish(long coveredThrough) {
            ByteBuffer.wrap(buf).putLong(0, coveredThrough).putInt(8, count);
            return java.util.Arrays.copyOf(buf, pos);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Decoding

    /**
     * Decodes a frame.
     *
     * @throws ProtocolVersionException for a HELLO of another protocol version
     * @throws ProtocolException        for anything else that is not a well-formed message
     */
    public static SyncMessage decode(Frame frame) {
        int type = frame.type();
        byte[] payload = frame.toByteArray();
        return decode(type, payload, payload.length);
    }

    /** Decodes a message of {@code type} from {@code payload[0, length)}. */
    public static SyncMessage decode(int type, byte[] payload, int length) {
        Reader r = new Reader(payload, length, type);
        try {
            SyncMessage m = switch (type) {
                case HELLO -> decodeHello(r);
                case RESUME -> new SyncMessage.Resume(r.nonNegativeLong("resume point"));
                case CHANGES -> decodeChanges(r);
                case FRAGMENT -> decodeFragment(r);
                case ACK -> new SyncMessage.Ack(r.nonNegativeLong("applied-through"));
                case STATUS -> decodeStatus(r);
                case REJECT -> decodeReject(r);
                case GOODBYE -> decodeGoodbye(r);
                default -> throw r.fail("unknown message type 0x" + Integer.toHexString(type));
            };
            if (type != HELLO && r.pos != length) {
                throw r.fail((length - r.pos) + " unexpected trailing bytes");
            }
            return m;
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            // Defence in depth: a check we missed must still surface as a protocol error.
            throw new ProtocolException("malformed " + typeName(type) + " message: " + e, e);
        }
    }

    /** A readable name of a message type. */
    public static String typeName(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case RESUME -> "RESUME";
            case CHANGES -> "CHANGES";
            case FRAGMENT -> "FRAGMENT";
            case ACK -> "ACK";
            case STATUS -> "STATUS";
            case REJECT -> "REJECT";
            case GOODBYE -> "GOODBYE";
            default -> "type 0x" + Integer.toHexString(type);
        };
    }

    private static SyncMessage.Hello decodeHello(Reader r) {
        if (r.length < 6) {
            throw r.fail("HELLO of " + r.length + " bytes is too short");
        }
        int magic = r.int32();
        if (magic != MAGIC) {
            throw r.fail("not a BlazeDB sync peer (HELLO magic 0x" + Integer.toHexString(magic) + ")");
        }
        int version = r.uint16();
        if (version != VERSION) {
            throw new ProtocolVersionException(VERSION, version);
        }
        int flags = r.uint16();
        NodeId node = r.nodeId("node id");
        UUID expected = r.uuid();
        long resume = r.nonNegativeLong("resume point");
        boolean knowsPeer = (flags & HELLO_KNOWS_PEER) != 0;
        if (!knowsPeer && (!expected.equals(ZERO) || resume != 0)) {
            throw r.fail("HELLO names a peer without the flag saying so");
        }
        if (knowsPeer && expected.equals(ZERO)) {
            throw r.fail("HELLO expects the zero node id");
        }
        String name = r.text("database name", MAX_TEXT_LENGTH);
        // Anything after the name is an extension of a later minor revision: skipped.
        r.pos = r.length;
        return new SyncMessage.Hello(version, (flags & HELLO_WILL_SEND) != 0, (flags & HELLO_WILL_RECEIVE) != 0, node,
                knowsPeer ? new NodeId(expected) : null, resume, name);
    }

    private static SyncMessage.Changes decodeChanges(Reader r) {
        long covered = r.nonNegativeLong("covered-through");
        long count = r.int32() & 0xFFFFFFFFL;
        if (count == 0) {
            throw r.fail("CHANGES without a change");
        }
        // Every change takes at least CHANGE_FIXED + 1 bytes: bound the count by what is there.
        if (count * (CHANGE_FIXED + 1) > r.remaining()) {
            throw r.fail("CHANGES claims " + count + " changes but has only " + r.remaining() + " bytes");
        }
        List<SyncMessage.Change> changes = new ArrayList<>((int) count);
        long previous = 0;
        for (int i = 0; i < count; i++) {
            int start = r.pos;
            long seq = r.int64();
            if (seq <= previous) {
                throw r.failAt(start, "change " + i + " has sequence " + seq + " after " + previous);
            }
            if (seq > covered) {
                throw r.failAt(start, "change " + i + " has sequence " + seq + " beyond covered-through " + covered);
            }
            previous = seq;
            int kind = r.uint8();
            if (kind != KIND_PUT && kind != KIND_TOMBSTONE) {
                throw r.failAt(start + 8, "change " + i + " has unknown kind " + kind);
            }
            int flags = r.uint8();
            if ((flags & ~(CHANGE_DELETED_AT | CHANGE_FIELD_VERSIONS)) != 0) {
                throw r.failAt(start + 9, "change " + i + " has unknown flags 0x" + Integer.toHexString(flags));
            }
            long hlc = r.int64();
            NodeId origin = r.nodeId("origin");
            long originSeq = r.int64();
            if (originSeq <= 0) {
                throw r.fail("change " + i + " has origin sequence " + originSeq);
            }
            UUID id = r.uuid();
            String collection = r.text("collection", MAX_COLLECTION_LENGTH);
            if (collection.isEmpty()) {
                throw r.fail("change " + i + " has an empty collection name");
            }
            Version deletedAt = null;
            if ((flags & CHANGE_DELETED_AT) != 0) {
                long dh = r.int64();
                deletedAt = new Version(dh, r.nodeId("delete version node"));
            }
            Map<String, Version> exceptions = Map.of();
            if ((flags & CHANGE_FIELD_VERSIONS) != 0) {
                int len = r.length32("field versions");
                try {
                    exceptions = FieldVersions.decode(r.buf, r.pos, len);
                } catch (IllegalArgumentException e) {
                    throw r.fail("change " + i + ": " + e.getMessage());
                }
                if (exceptions.isEmpty()) {
                    throw r.fail("change " + i + " flags field versions but lists none");
                }
                r.pos += len;
            }
            boolean tombstone = kind == KIND_TOMBSTONE;
            BlazeDataRecord record = null;
            byte[] body = null;
            if (tombstone) {
                if (deletedAt != null || !exceptions.isEmpty()) {
                    throw r.fail("tombstone change " + i + " carries field versions or a delete version");
                }
            } else {
                int len = r.length32("record body");
                int bodyStart = r.pos;
                try {
                    record = BlazeBinary.decode(r.buf, r.pos, len);
                } catch (BlazeBinaryException e) {
                    throw r.failAt(bodyStart, "change " + i + " has an undecodable record: " + e.getMessage());
                }
                body = java.util.Arrays.copyOfRange(r.buf, r.pos, r.pos + len);
                r.pos += len;
                // Only the id is built here: the record's other values stay encoded until read.
                BlazeValue idValue = record.get(RecordState.ID_FIELD).orElse(null);
                if (idValue != null && !(idValue instanceof BlazeValue.UuidValue u && u.value().equals(id))) {
                    throw r.failAt(bodyStart, "change " + i + ": the record's id field does not match record id " + id);
                }
                for (String k : exceptions.keySet()) {
                    if (!record.has(k) || k.equals(RecordState.ID_FIELD)) {
                        throw r.fail("change " + i + " versions field '" + k + "' that the record does not have");
                    }
                }
                if (deletedAt != null && !new Version(hlc, origin).after(deletedAt) && exceptions.isEmpty()) {
                    throw r.fail("change " + i + " is older than its own delete");
                }
            }
            changes.add(new SyncMessage.Change(seq, tombstone, hlc, origin, originSeq, id, collection, deletedAt,
                    exceptions, record, body));
        }
        return new SyncMessage.Changes(covered, changes);
    }

    private static SyncMessage.Fragment decodeFragment(Reader r) {
        int total = r.int32();
        int offset = r.int32();
        if (total <= 0 || total > MAX_REASSEMBLED_LENGTH) {
            throw r.failAt(0, "FRAGMENT of a " + (total & 0xFFFFFFFFL) + "-byte message (at most " + MAX_REASSEMBLED_LENGTH + ")");
        }
        int n = r.remaining();
        if (n == 0) {
            throw r.fail("empty FRAGMENT");
        }
        if (offset < 0 || (long) offset + n > total) {
            throw r.failAt(4, "FRAGMENT at offset " + (offset & 0xFFFFFFFFL) + " with " + n + " bytes overruns its "
                    + total + "-byte message");
        }
        byte[] bytes = java.util.Arrays.copyOfRange(r.buf, r.pos, r.pos + n);
        r.pos += n;
        return new SyncMessage.Fragment(total, offset, bytes);
    }

    private static SyncMessage.Status decodeStatus(Reader r) {
        long head = r.nonNegativeLong("head");
        long covered = r.nonNegativeLong("covered-through");
        long applied = r.nonNegativeLong("applied-through");
        int requestId = r.int32();
        int flags = r.uint8();
        if ((flags & ~STATUS_REPLY_REQUESTED) != 0) {
            throw r.failAt(28, "unknown STATUS flags 0x" + Integer.toHexString(flags));
        }
        if (covered > head) {
            throw r.fail("STATUS covers " + covered + " beyond its head " + head);
        }
        return new SyncMessage.Status(head, covered, applied, requestId, (flags & STATUS_REPLY_REQUESTED) != 0);
    }

    private static SyncMessage.Reject decodeReject(Reader r) {
        long seq = r.nonNegativeLong("sequence");
        UUID id = r.uuid();
        int reason = r.uint8();
        String coll = r.text("collection", MAX_COLLECTION_LENGTH);
        String msg = r.text("message", MAX_TEXT_LENGTH);
        return new SyncMessage.Reject(seq, id, coll, reason, msg);
    }

    private static SyncMessage.Goodbye decodeGoodbye(Reader r) {
        int reason = r.uint8();
        String msg = r.text("message", MAX_TEXT_LENGTH);
        return new SyncMessage.Goodbye(reason, msg);
    }

    /** Bounds-checked big-endian reads over a payload; every failure names the message and offset. */
    private static final class Reader {
        final byte[] buf;
        final int length;
        final int type;
        int pos;

        Reader(byte[] buf, int length, int type) {
            this.buf = buf;
            this.length = length;
            this.type = type;
        }

        int remaining() {
            return length - pos;
        }

        ProtocolException fail(String what) {
            return failAt(pos, what);
        }

        ProtocolException failAt(int offset, String what) {
            return new ProtocolException("malformed " + typeName(type) + " message: " + what + " (at byte offset "
                    + offset + " of " + length + ")");
        }

        private void need(int n, String what) {
            if (length - pos < n) {
                throw fail("truncated: " + what + " needs " + n + " bytes, " + (length - pos) + " left");
            }
        }

        int uint8() {
            need(1, "a byte");
            return buf[pos++] & 0xFF;
        }

        int uint16() {
            need(2, "a 16-bit field");
            int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        int int32() {
            need(4, "a 32-bit field");
            int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        long int64() {
            need(8, "a 64-bit field");
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos + i] & 0xFF);
            }
            pos += 8;
            return v;
        }

        long nonNegativeLong(String what) {
            int at = pos;
            long v = int64();
            if (v < 0) {
                throw failAt(at, what + " is negative: " + v);
            }
            return v;
        }

        int length32(String what) {
            int at = pos;
            long v = int32() & 0xFFFFFFFFL;
            if (v > remaining()) {
                throw failAt(at, what + " of " + v + " bytes but only " + remaining() + " left");
            }
            return (int) v;
        }

        UUID uuid() {
            need(16, "a UUID");
            return new UUID(int64(), int64());
        }

        NodeId nodeId(String what) {
            int at = pos;
            UUID u = uuid();
            if (u.equals(ZERO)) {
                throw failAt(at, what + " is the zero node id");
            }
            return new NodeId(u);
        }

        String text(String what, int max) {
            int at = pos;
            int n = uint16();
            if (n > max) {
                throw failAt(at, what + " of " + n + " bytes, at most " + max);
            }
            need(n, what);
            String s = Utf8.decode(buf, pos, n);
            if (s == null) {
                throw failAt(pos, what + " is not well-formed UTF-8");
            }
            pos += n;
            return s;
        }
    }

    // ------------------------------------------------------------------------------------------

    private static void putUuid(ByteBuffer b, UUID u) {
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    }

    /** UTF-8 of {@code s}, cut at a character boundary to at most {@code max} bytes. */
    static byte[] utf8Truncated(String s, int max) {
        if (s == null) {
            return new byte[0];
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) {
            return b;
        }
        int end = max;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(b, end);
    }
}
