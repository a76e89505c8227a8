package dev.blazedb;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a sync connection carries and how: which collections, which fields stay home, whether
 * row-level security is enforced, how frames are protected, and which way changes flow.
 * Immutable; {@code new SyncPolicy()} gives the defaults, {@link #builder()} the rest.
 *
 * <ul>
 *   <li>{@link #collections()}: the collections that flow; empty (the default) means all.</li>
 *   <li>{@link #excludeFields()}: field names stripped from every record before it leaves this
 *       node (never {@code id}).</li>
 *   <li>{@link #respectRLS()}: when on, the peer receives only rows its security context may
 *       read and only changes its context may write are applied (see {@link RowLevelSecurity});
 *       default off.</li>
 *   <li>{@link #encryptionMode()}: default {@link EncryptionMode#E2E_ONLY}.</li>
 *   <li>{@link #mode()}: default {@link ConnectionMode#BIDIRECTIONAL}.</li>
 *   <li>{@link #peerContext()}: the security context the peer is checked under; by default the
 *       context it was registered with (local connections) or the anonymous one.</li>
 * </ul>
 */
public final class SyncPolicy {

    private static final SyncPolicy DEFAULTS = new SyncPolicy();

    private final Set<String> collections;
    private final Set<String> excludeFields;
    private final boolean respectRLS;
    private final EncryptionMode encryptionMode;
    private final ConnectionMode mode;
    private final SecurityContext peerContext;

    /** The defaults: all collections, no excluded field, RLS not enforced, E2E_ONLY, BIDIRECTIONAL. */
    public SyncPolicy() {
        this(Set.of(), Set.of(), false, EncryptionMode.E2E_ONLY, ConnectionMode.BIDIRECTIONAL, null);
    }

    /**
     * The original guide's form: {@code SyncPolicy(collections: nil, respectRLS: false, encryptionMode: .e2eOnly)}.
     *
     * @param collections    the collections to sync; null or empty for all
     * @param respectRLS     whether row-level security is enforced for the peer
     * @param encryptionMode how frames are protected
     */
    public SyncPolicy(Collection<String> collections, boolean respectRLS, EncryptionMode encryptionMode) {
        this(copy(collections), Set.of(), respectRLS, Objects.requireNonNull(encryptionMode, "encryptionMode"),
                ConnectionMode.BIDIRECTIONAL, null);
    }

    private SyncPolicy(Set<String> collections, Set<String> excludeFields, boolean respectRLS,
                       EncryptionMode encryptionMode, ConnectionMode mode, SecurityContext peerContext) {
        this.collections = collections;
        this.excludeFields = excludeFields;
        this.respectRLS = respectRLS;
        this.encryptionMode = encryptionMode;
        this.mode = mode;
        this.peerContext = peerContext;
    }

    /** The default policy. */
    public static SyncPolicy defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from this policy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The default policy with another mode. */
    public static SyncPolicy of(ConnectionMode mode) {
        return builder().mode(mode).build();
    }

    private static Set<String> copy(Collection<String> names) {
        if (names == null || names.isEmpty()) {
            return Set.of();
        }
        TreeSet<String> s = new TreeSet<>();
        for (String n : names) {
            s.add(Objects.requireNonNull(n, "collection or field name"));
        }
        return Collections.unmodifiableSet(s);
    }

    /** The collections that flow, sorted; empty means all. */
    public Set<String> collections() {
        return collections;
    }

    /** Whether {@code collection} flows under this policy. */
    public boolean includes(String collection) {
        return collections.isEmpty() || collections.contains(collection);
    }

    /** The field names stripped from records before they leave. */
    public Set<String> excludeFields() {
        return excludeFields;
    }

    /** Whether row-level security is enforced for the peer. */
    public boolean respectRLS() {
        return respectRLS;
    }

    /** How frames are protected on network transports. */
    public EncryptionMode encryptionMode() {
        return encryptionMode;
    }

    /** Which way changes flow. */
    public ConnectionMode mode() {
        return mode;
    }

    /** The security context the peer is checked under, when set explicitly. */
    public Optional<SecurityContext> peerContext() {
        return Optional.ofNullable(peerContext);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyncPolicy p && collections.equals(p.collections) && excludeFields.equals(p.excludeFields)
                && respectRLS == p.respectRLS && encryptionMode == p.encryptionMode && mode == p.mode
                && Objects.equals(peerContext, p.peerContext);
    }

    @Override
    public int hashCode() {
        return Objects.hash(collections, excludeFields, respectRLS, encryptionMode, mode, peerContext);
    }

    @Override
    public String toString() {
        return "SyncPolicy[collections=" + (collections.isEmpty() ? "all" : collections) + ", excludeFields=" + excludeFields
                + ", respectRLS=" + respectRLS + ", encryptionMode=" + encryptionMode + ", mode=" + mode
                + (peerContext != null ? ", peerContext=" + peerContext : "") + "]";
    }

    /** Builds a {@link SyncPolicy}. */
    public static final class Builder {
        private Set<String> collections;
        private Set<String> excludeFields;
        private boolean respectRLS;
        private EncryptionMode encryptionMode;
        private ConnectionMode mode;
        private SecurityContext peerContext;

        private Builder(SyncPolicy from) {
            this.collections = from.collections;
            this.excludeFields = from.excludeFields;
            this.respectRLS = from.respectRLS;
            this.encryptionMode = from.encryptionMode;
            this.mode = from.mode;
            this.peerContext = from.peerContext;
        }

        /** The collections that flow; null or empty for all. */
        public Builder collections(Collection<String> collections) {
            this.collections = copy(collections);
            return this;
        }

        /** The collections that flow. */
        public Builder collections(String... collections) {
            return collections(java.util.Arrays.asList(collections));
        }

        /**
         * Field names stripped from every record before it leaves this node.
         *
         * @throws IllegalArgumentException for {@code id}, which every record needs
         */
        public Builder excludeFields(Collection<String> fields) {
            Set<String> s = copy(fields);
            if (s.contains("id")) {
                throw new IllegalArgumentException("the id field cannot be excluded: every record needs it");
            }
            this.excludeFields = s;
            return this;
        }

        /** Field names stripped from every record before it leaves this node. */
        public Builder excludeFields(String... fields) {
            return excludeFields(java.util.Arrays.asList(fields));
        }

        /** Whether row-level security is enforced for the peer (default false). */
        public Builder respectRLS(boolean respectRLS) {
            this.respectRLS = respectRLS;
            return this;
        }

        /** How frames are protected (default {@link EncryptionMode#E2E_ONLY}). */
        public Builder encryptionMode(EncryptionMode encryptionMode) {
            this.encryptionMode = Objects.requireNonNull(encryptionMode, "encryptionMode");
            return this;
        }

        /** Which way changes flow (default {@link ConnectionMode#BIDIRECTIONAL}). */
        public Builder mode(ConnectionMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The security context the peer is checked under (default: see {@link SyncPolicy#peerContext()}). */
        public Builder peerContext(SecurityContext peerContext) {
            this.peerContext = peerContext;
            return this;
        }

        /** The policy. */
        public SyncPolicy build() {
            return new SyncPolicy(collections, excludeFields, respectRLS, encryptionMode, mode, peerContext);
        }
    }
}
