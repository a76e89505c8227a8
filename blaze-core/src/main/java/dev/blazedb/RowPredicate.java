package dev.blazedb;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.Optional;

/**
 * A condition of a {@link RowPolicy} over a row and the {@link SecurityContext} asking.
 * Implementations must be fast, side-effect free and thread-safe; one that throws counts as
 * "not allowed".
 */
@FunctionalInterface
public interface RowPredicate {

    /**
     * Whether {@code context} passes this condition for {@code row}.
     *
     * @param context who is asking
     * @param row     the row (the existing row for USING, the new row for WITH CHECK)
     */
    boolean test(SecurityContext context, BlazeDataRecord row);

    /** Always true. */
    static RowPredicate always() {
        return (c, r) -> true;
    }

    /** Always false. */
    static RowPredicate never() {
        return (c, r) -> false;
    }

    /** True when the row's string field {@code field} is the context's user. */
    static RowPredicate fieldIsUser(String field) {
        return (c, r) -> c.user().isPresent() && r.string(field).equals(c.user());
    }

    /** True when the row's string field {@code field} names one of the context's teams. */
    static RowPredicate fieldInTeams(String field) {
        return (c, r) -> r.string(field).map(c::inTeam).orElse(false);
    }

    /** True when the row's field {@code field} equals the context's claim {@code claim} (as a string). */
    static RowPredicate fieldMatchesClaim(String field, String claim) {
        return (c, r) -> {
            Optional<String> want = c.claim(claim);
            Optional<BlazeValue> have = r.get(field);
            return want.isPresent() && have.isPresent()
                    && have.get() instanceof BlazeValue.StringValue s && s.value().equals(want.get());
        };
    }

    /** True when the context has the role {@code role}, whatever the row. */
    static RowPredicate hasRole(String role) {
        return (c, r) -> c.hasRole(role);
    }

    /** Both conditions. */
    default RowPredicate and(RowPredicate other) {
        return (c, r) -> test(c, r) && other.test(c, r);
    }

    /** Either condition. */
    default RowPredicate or(RowPredicate other) {
        return (c, r) -> test(c, r) || other.test(c, r);
    }
}
