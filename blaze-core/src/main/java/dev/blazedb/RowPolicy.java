package dev.blazedb;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One row-level-security policy of a collection, modelled on PostgreSQL's {@code CREATE POLICY}:
 * a name, whether it is permissive or restrictive, the commands it applies to, a USING condition
 * on existing rows (READ, UPDATE, DELETE) and a WITH CHECK condition on new rows (INSERT,
 * UPDATE; by default the USING condition).
 *
 * <p>A row passes a check when at least one applicable permissive policy allows it and every
 * applicable restrictive policy allows it; with no applicable permissive policy nothing passes.
 * See {@link RowLevelSecurity}.
 *
 * <pre>{@code
 * RowPolicy own = RowPolicy.permissive("own rows").using(RowPredicate.fieldIsUser("owner")).build();
 * RowPolicy tenant = RowPolicy.restrictive("same tenant").using(RowPredicate.fieldMatchesClaim("tenant", "tenant")).build();
 * }</pre>
 */
public final class RowPolicy {

    private final String name;
    private final boolean permissive;
    private final Set<PolicyCommand> commands;
    private final RowPredicate using;
    private final RowPredicate withCheck;

    private RowPolicy(Builder b) {
        this.name = b.name;
        this.permissive = b.permissive;
        this.commands = Collections.unmodifiableSet(EnumSet.copyOf(b.commands));
        this.using = b.using;
        this.withCheck = b.withCheck != null ? b.withCheck : b.using;
    }

    /** A builder of a permissive policy (rows pass if any permissive policy allows them). */
    public static Builder permissive(String name) {
        return new Builder(name, true);
    }

    /** A builder of a restrictive policy (rows pass only if every restrictive policy allows them). */
    public static Builder restrictive(String name) {
        return new Builder(name, false);
    }

    /** The policy's name, unique within its collection. */
    public String name() {
        return name;
    }

    /** Whether the policy is permissive (else restrictive). */
    public boolean isPermissive() {
        return permissive;
    }

    /** The commands the policy applies to. */
    public Set<PolicyCommand> commands() {
        return commands;
    }

    /** The condition on existing rows. */
    public RowPredicate using() {
        return using;
    }

    /** The condition on new rows. */
    public RowPredicate withCheck() {
        return withCheck;
    }

    /** Whether the policy applies to {@code command}. */
    public boolean appliesTo(PolicyCommand command) {
        return commands.contains(command);
    }

    @Override
    public String toString() {
        return "RowPolicy[" + name + ", " + (permissive ? "permissive" : "restrictive") + ", " + commands + "]";
    }

    /** Builds a {@link RowPolicy}. */
    public static final class Builder {
        private final String name;
        private final boolean permissive;
        private EnumSet<PolicyCommand> commands = EnumSet.allOf(PolicyCommand.class);
        private RowPredicate using = RowPredicate.always();
        private RowPredicate withCheck;

        private Builder(String name, boolean permissive) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a policy needs a name");
            }
            this.name = name;
            this.permissive = permissive;
        }

        /** The commands the policy applies to (default: all). */
        public Builder on(PolicyCommand first, PolicyCommand... more) {
            this.commands = EnumSet.of(first, more);
            return this;
        }

        /** The condition on existing rows: READ, UPDATE and DELETE (default: always true). */
        public Builder using(RowPredicate using) {
            this.using = Objects.requireNonNull(using, "using");
            return this;
        }

        /** The condition on new rows: INSERT and UPDATE (default: the USING condition). */
        public Builder withCheck(RowPredicate withCheck) {
            this.withCheck = Objects.requireNonNull(withCheck, "withCheck");
            return this;
        }

        /** The policy. */
        public RowPolicy build() {
            return new RowPolicy(this);
        }
    }
}
