package dev.blazedb.internal.sync;

import dev.blazedb.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The compact form of a record's per-field versions, shared by the log's per-field-versions
 * section and the sync protocol's CHANGES message: only the fields whose version differs from
 * the entry's own version (its timestamp and origin node) are listed, so an entry that wrote all
 * of its fields (every insert) carries none.
 *
 * <pre>
 * offset size field
 *      0    2 field count K (0..65535)
 *      2    1 node count M (1..255; 0 only when K = 0)
 *      3 16*M node ids, each referenced below by its index
 *      *    * K times: key length u16 | key UTF-8 | HLC u64 | node index u8
 * </pre>
 * Keys are distinct and in ascending order (code points). All integers are big-endian.
 */
public final class FieldVersions {

    /** The largest number of fields a record may list. */
    public static final int MAX_FIELDS = 65_535;
    /** The largest key length in UTF-8 bytes. */
    public static final int MAX_KEY_LENGTH = 65_535;

    private FieldVersions() {
    }

    /**
     * Encodes {@code versions}: the fields whose version differs from the entry's.
     *
     * @param versions field to version, iterated in key order (a {@link TreeMap} or sorted input)
     * @return the bytes, or an empty array when {@code versions} is empty
     */
    public static byte[] encode(Map<String, Version> versions) {
        if (versions.isEmpty()) {
            return new byte[0];
        }
        if (versions.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("too many fields: " + versions.size());
        }
        Map<String, Version> sorted = versions instanceof TreeMap ? versions : new TreeMap<>(versions);
        List<NodeId> nodes = new ArrayList<>(2);
        int size = 3;
        List<byte[]> keys = new ArrayList<>(sorted.size());
        for (Map.Entry<String, Version> e : sorted.entrySet()) {
            NodeId n = e.getValue().node();
            if (!nodes.contains(n)) {
                if (nodes.size() == 255) {
                    throw new IllegalArgumentException("versions from more than 255 nodes in one record");
                }
                nodes.add(n);
                size += 16;
            }
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (k.length > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("field name too long: " + k.length + " bytes");
            }
            keys.add(k);
            size += 2 + k.length + 8 + 1;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) sorted.size());
        b.put((byte) nodes.size());
        for (NodeId n : nodes) {
            b.putLong(n.uuid().getMostSignificantBits()).putLong(n.uuid().getLeastSignificantBits());
        }
        int i = 0;
        for (Map.Entry<String, Version> e : sorted.entrySet()) {
            byte[] k = keys.get(i++);
            b.putShort((short) k.length).put(k);
            b.putLong(e.getValue().hlc());
            b.put((byte) nodes.indexOf(e.getValue().node()));
        }
        return b.array();
    }

    /**
     * Decodes the bytes {@link #encode} wrote.
     *
     * @return field to version, sorted by key
     * @throws IllegalArgumentException when the bytes are malformed (with what and where)
     */
    public static Map<String, Version> decode(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return Collections.emptyMap();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
        if (b.remaining() < 3) {
            throw new IllegalArgumentException("field versions: truncated header");
        }
        int count = b.getShort() & 0xFFFF;
        int nodeCount = b.get() & 0xFF;
        if (count > 0 && nodeCount == 0) {
            throw new IllegalArgumentException("field versions: " + count + " fields but no nodes");
        }
        if ((long) nodeCount * 16 > b.remaining()) {
            throw new IllegalArgumentException("field versions: truncated node table");
        }
        NodeId[] nodes = new NodeId[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            nodes[i] = new NodeId(new UUID(b.getLong(), b.getLong()));
        }
        // Each field needs at least 11 bytes: bound the count before allocating anything for it.
        if ((long) count * 11 > b.remaining()) {
            throw new IllegalArgumentException("field versions: " + count + " fields cannot fit in " + b.remaining() + " bytes");
        }
        TreeMap<String, Version> out = new TreeMap<>(dev.blazedb.data.BlazeDataRecord.CODE_POINT_ORDER);
        String previous = null;
        for (int i = 0; i < count; i++) {
            if (b.remaining() < 2) {
                throw new IllegalArgumentException("field versions: truncated field " + i);
            }
            int keyLength = b.getShort() & 0xFFFF;
            if (b.remaining() < keyLength + 9) {
                throw new IllegalArgumentException("field versions: truncated field " + i);
            }
            String key = Utf8.decode(bytes, b.arrayOffset() + b.position(), keyLength);
            if (key == null) {
                throw new IllegalArgumentException("field versions: field " + i + " has a malformed UTF-8 name");
            }
            b.position(b.position() + keyLength);
            long hlc = b.getLong();
            int node = b.get() & 0xFF;
            if (node >= nodeCount) {
                throw new IllegalArgumentException("field versions: field " + i + " names node " + node + " of " + nodeCount);
            }
            if (previous != null && dev.blazedb.data.BlazeDataRecord.CODE_POINT_ORDER.compare(previous, key) >= 0) {
                throw new IllegalArgumentException("field versions: fields out of order at " + i);
            }
            previous = key;
            out.put(key, new Version(hlc, nodes[node]));
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException("field versions: " + b.remaining() + " trailing bytes");
        }
        return out;
    }
}
