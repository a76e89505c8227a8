package dev.blazedb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import org.junit.jupiter.api.Test;

class RowLevelSecurityTest {

    private static final SecurityContext ALICE = SecurityContext.builder().user("alice").team("blue").role("editor")
            .claim("tenant", "acme").build();
    private static final SecurityContext BOB = SecurityContext.builder().user("bob").team("red").claim("tenant", "acme").build();
    private static final SecurityContext ADMIN = SecurityContext.builder().user("root").role("admin").claim("tenant", "other").build();

    private static BlazeDataRecord row(String owner, String team, String tenant) {
        return BlazeDataRecord.builder().put("owner", owner).put("team", team).put("tenant", tenant).build();
    }

    @Test
    void aCollectionWithoutRowLevelSecurityAllowsEverything() {
        RowLevelSecurity rls = new RowLevelSecurity();
        assertThat(rls.isEnabled("notes")).isFalse();
        for (PolicyCommand c : PolicyCommand.values()) {
            assertThat(rls.allows(SecurityContext.anonymous(), c, "notes", row("x", "y", "z"), row("x", "y", "z"))).isTrue();
        }
    }

    @Test
    void enabledWithoutPoliciesDeniesEverything() {
        RowLevelSecurity rls = new RowLevelSecurity().enable("notes");
        assertThat(rls.check(ALICE, PolicyCommand.READ, "notes", row("alice", "blue", "acme"), null))
                .hasValueSatisfying(why -> assertThat(why).contains("no permissive policy"));
        assertThat(rls.allows(ADMIN, PolicyCommand.INSERT, "notes", null, row("root", "x", "y"))).isFalse();
    }

    @Test
    void aRowPassesIfAnyPermissivePolicyAllowsIt() {
        RowLevelSecurity rls = new RowLevelSecurity()
                .addPolicy("notes", RowPolicy.permissive("own rows").using(RowPredicate.fieldIsUser("owner")).build())
                .addPolicy("notes", RowPolicy.permissive("team rows").on(PolicyCommand.READ).using(RowPredicate.fieldInTeams("team")).build())
                .addPolicy("notes", RowPolicy.permissive("admins").using(RowPredicate.hasRole("admin")).build());
        BlazeDataRecord alices = row("alice", "red", "acme");
        assertThat(rls.canRead(ALICE, "notes", alices)).isTrue();
        assertThat(rls.canRead(BOB, "notes", alices)).isTrue(); // bob is in team red
        assertThat(rls.allows(BOB, PolicyCommand.UPDATE, "notes", alices, alices)).isFalse(); // team policy is READ only
        assertThat(rls.allows(ADMIN, PolicyCommand.DELETE, "notes", alices, null)).isTrue();
        assertThat(rls.canRead(SecurityContext.anonymous(), "notes", alices)).isFalse();
    }

    @Test
    void everyRestrictivePolicyMustAllowARowToo() {
        RowLevelSecurity rls = new RowLevelSecurity()
                .addPolicy("notes", RowPolicy.permissive("all").build())
                .addPolicy("notes", RowPolicy.restrictive("same tenant").using(RowPredicate.fieldMatchesClaim("tenant", "tenant")).build());
        assertThat(rls.canRead(ALICE, "notes", row("bob", "red", "acme"))).isTrue();
        assertThat(rls.check(ADMIN, PolicyCommand.READ, "notes", row("bob", "red", "acme"), null))
                .hasValueSatisfying(why -> assertThat(why).contains("restrictive policy 'same tenant'").contains("user 'root'"));
    }

    @Test
    void restrictivePoliciesAloneAllowNothing() {
        RowLevelSecurity rls = new RowLevelSecurity()
                .addPolicy("notes", RowPolicy.restrictive("tenant").using(RowPredicate.always()).build());
        assertThat(rls.canRead(ALICE, "notes", row("alice", "blue", "acme"))).isFalse();
    }

    @Test
    void updatesCheckTheOldRowWithUsingAndTheNewRowWithCheck() {
        RowLevelSecurity rls = new RowLevelSecurity()
                .addPolicy("notes", RowPolicy.permissive("own rows").using(RowPredicate.fieldIsUser("owner")).build());
        BlazeDataRecord mine = row("alice", "blue", "acme");
        BlazeDataRecord givenAway = row("bob", "blue", "acme");
        assertThat(rls.allows(ALICE, PolicyCommand.UPDATE, "notes", mine, mine)).isTrue();
        assertThat(rls.allows(ALICE, PolicyCommand.UPDATE, "notes", mine, givenAway)).isFalse(); // WITH CHECK = USING
        assertThat(rls.allows(ALICE, PolicyCommand.UPDATE, "notes", givenAway, mine)).isFalse(); // cannot take bob's row
        assertThat(rls.allows(ALICE, PolicyCommand.INSERT, "notes", null, givenAway)).isFalse();
        RowLevelSecurity lenient = new RowLevelSecurity().addPolicy("notes", RowPolicy.permissive("own rows, give away freely")
                .using(RowPredicate.fieldIsUser("owner")).withCheck(RowPredicate.always()).build());
        assertThat(lenient.allows(ALICE, PolicyCommand.UPDATE, "notes", mine, givenAway)).isTrue();
    }

    @Test
    void aPredicateThatThrowsDenies() {
        RowLevelSecurity rls = new RowLevelSecurity().addPolicy("notes", RowPolicy.permissive("broken")
                .using((c, r) -> { throw new IllegalStateException("boom"); }).build());
        assertThat(rls.canRead(ALICE, "notes", row("alice", "blue", "acme"))).isFalse();
    }

    @Test
    void policiesAreNamedUniquelyPerCollectionAndCanBeRemoved() {
        RowLevelSecurity rls = new RowLevelSecurity().addPolicy("notes", RowPolicy.permissive("p").build());
        assertThatThrownBy(() -> rls.addPolicy("notes", RowPolicy.permissive("p").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has a policy named 'p'");
        rls.addPolicy("other", RowPolicy.permissive("p").build());
        assertThat(rls.removePolicy("notes", "p")).isTrue();
        assertThat(rls.isEnabled("notes")).isTrue();
        assertThat(rls.policies("notes")).isEmpty();
        assertThat(rls.disable("notes").isEnabled("notes")).isFalse();
    }

    @Test
    void securityContextsAreValues() {
        assertThat(SecurityContext.builder().build()).isSameAs(SecurityContext.anonymous());
        assertThat(SecurityContext.of("alice").isUser("alice")).isTrue();
        assertThat(ALICE.toBuilder().build()).isEqualTo(ALICE).hasSameHashCodeAs(ALICE);
        assertThat(ALICE.claim("tenant")).contains("acme");
        assertThat(ALICE.inTeam("blue")).isTrue();
        assertThat(ALICE.hasRole("admin")).isFalse();
        assertThat(ALICE.toString()).doesNotContain("acme"); // claim values stay out of logs
    }
}
