package dev.blazedb.discovery;

import dev.blazedb.NodeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.jmdns.ServiceInfo;

/**
 * The TXT record of a BlazeDB service, written from an {@link Advertisement} and read back from
 * whatever a peer on the network sent (the table of keys is on {@link Advertisement}). Reading is
 * strict: the data comes from the network, so anything malformed is reported, never guessed at.
 */
final class ServiceTxt {

    static final String TXTVERS = "txtvers";
    static final String DB = "db";
    static final String NODE = "node";
    static final String PV = "pv";
    static final String TLS = "tls";
    static final String FP = "fp";

    /** The TXT layout this build writes and reads. */
    static final String LAYOUT = "1";

    private ServiceTxt() {
    }

    /** The TXT entries advertising {@code ad}, in a stable order. */
    static Map<String, String> of(Advertisement ad) {
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put(TXTVERS, LAYOUT);
        txt.put(DB, ad.database());
        txt.put(NODE, ad.nodeId().toString());
        txt.put(PV, Integer.toString(ad.protocolVersion()));
        txt.put(TLS, ad.tls() ? "1" : "0");
        if (ad.fingerprint() != null) {
            txt.put(FP, ad.fingerprint());
        }
        return Collections.unmodifiableMap(txt);
    }

    /** The TXT entries jmDNS holds for {@code info}, keys in lowercase (RFC 6763: keys ignore case). */
    static Map<String, String> read(ServiceInfo info) {
        Map<String, String> txt = new LinkedHashMap<>();
        for (Enumeration<String> names = info.getPropertyNames(); names.hasMoreElements(); ) {
            String key = names.nextElement();
            String value = info.getPropertyString(key);
            txt.putIfAbsent(key.toLowerCase(Locale.ROOT), value == null ? "" : value);
        }
        return txt;
    }

    /** What a TXT record says. */
    sealed interface Parsed permits Complete, Incomplete, Invalid {
    }

    /** Every required entry is there and well formed; {@code fingerprint} may be null. */
    record Complete(String database, NodeId nodeId, int protocolVersion, boolean tls, String fingerprint) implements Parsed {
    }

    /**
     * Required entries are missing: what jmDNS reports while the TXT record has not arrived yet
     * (its first resolve event often has none), so the caller waits for a later event.
     */
    record Incomplete(List<String> missing) implements Parsed {
    }

    /** An entry is malformed, or the layout is one this build does not read: not a service to offer. */
    record Invalid(String reason) implements Parsed {
    }

    /** Reads a TXT record (keys in lowercase). */
    static Parsed parse(Map<String, String> txt) {
        List<String> missing = new ArrayList<>();
        for (String key : List.of(DB, NODE, PV, TLS)) {
            if (!txt.containsKey(key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            return new Incomplete(List.copyOf(missing));
        }
        String layout = txt.get(TXTVERS);
        if (layout != null && !layout.equals(LAYOUT)) {
            return new Invalid("TXT layout txtvers=" + layout + " is not " + LAYOUT);
        }
        String database = txt.get(DB);
        if (database.isBlank()) {
            return new Invalid("db is blank");
        }
        NodeId nodeId;
        try {
            nodeId = NodeId.parse(txt.get(NODE));
        } catch (IllegalArgumentException e) {
            return new Invalid("node is not a UUID: " + quote(txt.get(NODE)));
        }
        int protocolVersion;
        try {
            protocolVersion = Integer.parseInt(txt.get(PV));
        } catch (NumberFormatException e) {
            return new Invalid("pv is not a number: " + quote(txt.get(PV)));
        }
        if (protocolVersion < 0) {
            return new Invalid("pv is negative: " + protocolVersion);
        }
        boolean tls;
        switch (txt.get(TLS)) {
            case "1" -> tls = true;
            case "0" -> tls = false;
            default -> {
                return new Invalid("tls is neither 0 nor 1: " + quote(txt.get(TLS)));
            }
        }
        String fingerprint = null;
        String fp = txt.get(FP);
        if (fp != null) {
            if (!tls) {
                return new Invalid("fp given with tls=0");
            }
            fingerprint = Advertisement.normaliseFingerprint(fp).orElse(null);
            if (fingerprint == null) {
                return new Invalid("fp is not a SHA-256 digest in hex: " + quote(fp));
            }
        }
        return new Complete(database, nodeId, protocolVersion, tls, fingerprint);
    }

    /** A peer's string, quoted and cut short so a hostile value cannot flood the log. */
    private static String quote(String s) {
        return "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
    }
}
