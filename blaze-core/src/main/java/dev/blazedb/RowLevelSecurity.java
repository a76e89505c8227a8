package dev.blazedb;

import dev.blazedb.data.BlazeDataRecord;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The row-level-security policies of one database, per collection, modelled on PostgreSQL:
 * a collection without row-level security allows everything; once it is enabled (by
 * {@link #enable(String)} or by adding a policy) a row passes a check only if at least one
 * applicable permissive policy allows it and every applicable restrictive policy allows it, so an
 * enabled collection with no permissive policy allows nothing.
 *
 * <p>The checks, for a command on a row:
 * <ul>
 *   <li>READ: the USING conditions on the row;</li>
 *   <li>INSERT: the WITH CHECK conditions on the new row;</li>
 *   <li>UPDATE: the USING conditions on the existing row and the WITH CHECK conditions on the new one;</li>
 *   <li>DELETE: the USING conditions on the existing row.</li>
 * </ul>
 * A condition that throws counts as false.
 *
 * <p>Sync enforces these policies for a peer's {@link SecurityContext} when its
 * {@link SyncPolicy#respectRLS()} is on: the peer receives only rows its context may READ, and a
 * change from it is applied only if its context may INSERT, UPDATE or DELETE that row; anything
 * else is rejected and reported. Locally, {@link BlazeDBClient#withContext(SecurityContext)} and
 * {@link BlazeDBClient#collection(String, SecurityContext)} enforce them for a context (reads see
 * readable rows only, refused writes fail with {@link AccessDeniedException}), while the client's
 * own methods act as the owner, unrestricted. Policies are configuration held in memory, set up in code when
 * the database is opened; thread-safe.
 */
public final class RowLevelSecurity {

    private final Map<String, CopyOnWriteArrayList<RowPolicy>> policies = new ConcurrentHashMap<>();

    /** Creates an empty set of policies: every collection allows everything. */
    public RowLevelSecurity() {
    }

    /** Turns row-level security on for {@code collection} (with no policy, nothing passes). */
    public RowLevelSecurity enable(String collection) {
        policies.computeIfAbsent(Objects.requireNonNull(collection, "collection"), c -> new CopyOnWriteArrayList<>());
        return this;
    }

    /** Turns row-level security off for {@code collection} and drops its policies. */
    public RowLevelSecurity disable(String collection) {
        policies.remove(collection);
        return this;
    }

    /** Whether row-level security is on for {@code collection}. */
    public boolean isEnabled(String collection) {
        return policies.containsKey(collection);
    }

    /** Whether any collection has row-level security on. */
    public boolean isEnabledAnywhere() {
        return !policies.isEmpty();
    }

    /**
     * Adds a policy to {@code collection}, enabling row-level security there.
     *
     * @throws IllegalArgumentException when the collection already has a policy of that name
     */
    public RowLevelSecurity addPolicy(String collection, RowPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        CopyOnWriteArrayList<RowPolicy> list = policies.computeIfAbsent(Objects.requireNonNull(collection, "collection"),
                c -> new CopyOnWriteArrayList<>());
        synchronized (list) {
            for (RowPolicy p : list) {
                if (p.name().equals(policy.name())) {
                    throw new IllegalArgumentException("collection '" + collection + "' already has a policy named '"
                            + policy.name() + "'");
                }
            }
            list.add(policy);
        }
        return this;
    }

    /** Removes the policy {@code name} of {@code collection}; row-level security stays on. */
    public boolean removePolicy(String collection, String name) {
        CopyOnWriteArrayList<RowPolicy> list = policies.get(collection);
        return list != null && list.removeIf(p -> p.name().equals(name));
    }

    /** The policies of {@code collection}, in the order they were added. */
    public List<RowPolicy> policies(String collection) {
        CopyOnWriteArrayList<RowPolicy> list = policies.get(collection);
        return list == null ? List.of() : List.copyOf(list);
    }

    /**
     * Checks {@code command} on a row.
     *
     * @param existing the row as it is (READ, UPDATE, DELETE); null when there is none
     * @param proposed the row as it would be (INSERT, UPDATE); null otherwise
     * @return empty when allowed, else why not
     */
    public Optional<String> check(SecurityContext context, PolicyCommand command, String collection,
                                  BlazeDataRecord existing, BlazeDataRecord proposed) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(command, "command");
        CopyOnWriteArrayList<RowPolicy> list = policies.get(collection);
        if (list == null) {
            return Optional.empty();
        }
        return switch (command) {
            case READ -> passes(list, context, command, existing, true, collection);
            case INSERT -> passes(list, context, command, proposed, false, collection);
            case DELETE -> existing == null ? Optional.empty() : passes(list, context, command, existing, true, collection);
            case UPDATE -> {
                Optional<String> old = existing == null ? Optional.empty() : passes(list, context, command, existing, true, collection);
                yield old.isPresent() ? old : passes(list, context, command, proposed, false, collection);
            }
        };
    }

    /** Whether {@code command} on the row is allowed; see {@link #check}. */
    public boolean allows(SecurityContext context, PolicyCommand command, String collection,
                          BlazeDataRecord existing, BlazeDataRecord proposed) {
        return check(context, command, collection, existing, proposed).isEmpty();
    }

    /** Whether {@code context} may read {@code row} of {@code collection}. */
    public boolean canRead(SecurityContext context, String collection, BlazeDataRecord row) {
        return allows(context, PolicyCommand.READ, collection, row, null);
    }

    private static Optional<String> passes(List<RowPolicy> list, SecurityContext ctx, PolicyCommand command,
                                           BlazeDataRecord row, boolean using, String collection) {
        if (row == null) {
            return Optional.of(command + " on " + collection + " needs a row");
        }
        boolean anyPermissive = false;
        boolean permitted = false;
        for (RowPolicy p : list) {
            if (!p.appliesTo(command)) {
                continue;
            }
            boolean ok = eval(using ? p.using() : p.withCheck(), ctx, row);
            if (p.isPermissive()) {
                anyPermissive = true;
                permitted |= ok;
            } else if (!ok) {
                return Optional.of("restrictive policy '" + p.name() + "' of " + collection + " refuses " + command
                        + " for " + describe(ctx));
            }
        }
        if (!anyPermissive) {
            return Optional.of("no permissive policy of " + collection + " allows " + command);
        }
        if (!permitted) {
            return Optional.of("no permissive policy of " + collection + " allows " + command + " for " + describe(ctx));
        }
        return Optional.empty();
    }

    private static boolean eval(RowPredicate p, SecurityContext ctx, BlazeDataRecord row) {
        try {
            return p.test(ctx, row);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String describe(SecurityContext ctx) {
        return ctx.user().map(u -> "user '" + u + "'").orElse("the anonymous context");
    }
}
