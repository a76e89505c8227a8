package dev.blazedb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Row-level security on the local API: {@link BlazeDBClient#withContext(SecurityContext)}. */
class SecuredDatabaseTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final SecurityContext ALICE = SecurityContext.builder().user("alice").team("blue").claim("tenant", "acme").build();
    private static final SecurityContext BOB = SecurityContext.builder().user("bob").team("red").claim("tenant", "acme").build();
    private static final SecurityContext MALLORY = SecurityContext.builder().user("mallory").team("red").claim("tenant", "evil").build();

    private BlazeDBClient db;
    private UUID alices;
    private UUID bobs;
    private UUID teamNote;

    private static BlazeDataRecord note(String owner, String team, String text) {
        return BlazeDataRecord.builder().put("owner", owner).put("team", team).put("tenant", "acme").put("text", text).build();
    }

    @BeforeEach
    void setUp() {
        db = BlazeDBClient.inMemory("secured");
        db.security()
                .addPolicy("notes", RowPolicy.permissive("own notes").using(RowPredicate.fieldIsUser("owner")).build())
                .addPolicy("notes", RowPolicy.permissive("team reads").on(PolicyCommand.READ)
                        .using(RowPredicate.fieldInTeams("team")).build())
                .addPolicy("notes", RowPolicy.restrictive("same tenant")
                        .using(RowPredicate.fieldMatchesClaim("tenant", "tenant")).build());
        // the owner's API is unrestricted: it writes rows no context could
        alices = db.collection("notes").insert(note("alice", "blue", "alice's"));
        bobs = db.collection("notes").insert(note("bob", "red", "bob's"));
        teamNote = db.collection("notes").insert(note("carol", "red", "red team's"));
        db.collection("public").insert(BlazeDataRecord.builder().put("text", "no RLS here").build());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void thePlainApiActsAsTheOwnerAndIsNeverRestricted() {
        assertThat(db.collection("notes").count()).isEqualTo(3);
        assertThat(db.collection("notes").fetchAll()).hasSize(3);
        db.collection("notes").update(alices, BlazeDataRecord.builder().put("owner", "nobody").build());
        assertThat(db.collection("notes").delete(bobs)).isTrue();
        assertThat(db.collection("notes").context()).isEmpty();
    }

    @Test
    void aContextReadsOnlyTheRowsItsPoliciesLetItRead() {
        BlazeCollection asBob = db.withContext(BOB).collection("notes");
        assertThat(asBob.context()).contains(BOB);
        assertThat(asBob.fetch(bobs)).isPresent();
        assertThat(asBob.fetch(teamNote)).isPresent(); // team red, READ-only policy
        assertThat(asBob.fetch(alices)).isEmpty();
        assertThat(asBob.fetchAll()).extracting(r -> r.uuid("id").orElseThrow()).containsExactlyInAnyOrder(bobs, teamNote);
        assertThat(asBob.ids()).containsExactlyInAnyOrder(bobs, teamNote);
        assertThat(asBob.count()).isEqualTo(2);
        assertThat(db.withContext(ALICE).collection("notes").count()).isEqualTo(1);
        // restrictive: mallory is in team red but of another tenant
        assertThat(db.withContext(MALLORY).collection("notes").count()).isZero();
        assertThat(db.withContext(SecurityContext.anonymous()).collection("notes").fetchAll()).isEmpty();
        // a collection without row-level security is open to every context
        assertThat(db.withContext(MALLORY).collection("public").count()).isEqualTo(1);
        // the default collection has no RLS either
        UUID d = db.withContext(MALLORY).insert(BlazeDataRecord.builder().put("x", 1L).build());
        assertThat(db.withContext(MALLORY).fetch(d)).isPresent();
        assertThat(db.withContext(BOB).count()).isEqualTo(1);
    }

    @Test
    void anInsertThePoliciesRefuseFailsClearlyAndWritesNothing() {
        SecuredDatabase bob = db.withContext(BOB);
        long before = db.lastSequence();
        assertThatThrownBy(() -> bob.collection("notes").insert(note("alice", "red", "forged")))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("INSERT").hasMessageContaining("notes/")
                .hasMessageContaining("no permissive policy").hasMessageContaining("user 'bob'")
                .satisfies(e -> {
                    AccessDeniedException a = (AccessDeniedException) e;
                    assertThat(a.command()).isEqualTo(PolicyCommand.INSERT);
                    assertThat(a.collection()).isEqualTo("notes");
                    assertThat(a.recordId()).isNotNull();
                });
        // permissive allows (own note) but the restrictive tenant policy does not
        BlazeDataRecord otherTenant = note("bob", "red", "elsewhere").with("tenant", dev.blazedb.data.BlazeValue.string("evil"));
        assertThatThrownBy(() -> bob.collection("notes").insert(otherTenant))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("restrictive policy 'same tenant'");
        assertThat(db.lastSequence()).isEqualTo(before);
        assertThat(db.collection("notes").count()).isEqualTo(3);

        UUID own = bob.collection("notes").insert(note("bob", "red", "mine"));
        assertThat(bob.collection("notes").fetch(own)).isPresent();
    }

    @Test
    void insertManyIsAllOrNothingUnderThePolicies() {
        SecuredDatabase bob = db.withContext(BOB);
        assertThatThrownBy(() -> bob.collection("notes").insertMany(List.of(note("bob", "red", "1"), note("alice", "blue", "2"))))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(db.collection("notes").count()).isEqualTo(3);
        assertThat(bob.collection("notes").insertMany(List.of(note("bob", "red", "1"), note("bob", "red", "2")))).hasSize(2);
        assertThat(db.collection("notes").count()).isEqualTo(5);
    }

    @Test
    void updatesAreCheckedOnTheRowAsItIsAndAsItWouldBe() {
        BlazeCollection asBob = db.withContext(BOB).collection("notes");
        // USING: not his row (he may read it through his team, but the team policy is READ only)
        assertThatThrownBy(() -> asBob.update(teamNote, BlazeDataRecord.builder().put("text", "defaced").build()))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("UPDATE");
        assertThatThrownBy(() -> asBob.update(alices, BlazeDataRecord.builder().put("text", "defaced").build()))
                .isInstanceOf(AccessDeniedException.class);
        // WITH CHECK: he may not give his row away
        assertThatThrownBy(() -> asBob.update(bobs, BlazeDataRecord.builder().put("owner", "alice").build()))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("UPDATE");
        assertThat(db.collection("notes").fetch(bobs).orElseThrow().string("owner")).contains("bob");
        assertThat(db.collection("notes").fetch(teamNote).orElseThrow().string("text")).contains("red team's");
        // upsert takes the UPDATE path for an existing row, the INSERT path for a new one
        assertThatThrownBy(() -> asBob.upsert(alices, BlazeDataRecord.builder().put("text", "x").build()))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("UPDATE");
        assertThatThrownBy(() -> asBob.upsert(UUID.randomUUID(), note("alice", "blue", "x")))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("INSERT");

        asBob.update(bobs, BlazeDataRecord.builder().put("text", "edited").build());
        assertThat(db.collection("notes").fetch(bobs).orElseThrow().string("text")).contains("edited");
        assertThat(asBob.upsert(UUID.randomUUID(), note("bob", "red", "new"))).isTrue();
        // a missing record is still reported as missing
        assertThatThrownBy(() -> asBob.update(UUID.randomUUID(), BlazeDataRecord.builder().put("text", "x").build()))
                .isInstanceOf(RecordNotFoundException.class);
    }

    @Test
    void deletesAreCheckedToo() {
        BlazeCollection asBob = db.withContext(BOB).collection("notes");
        assertThatThrownBy(() -> asBob.delete(alices))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("DELETE");
        assertThatThrownBy(() -> asBob.delete(teamNote)).isInstanceOf(AccessDeniedException.class);
        assertThat(db.collection("notes").fetch(alices)).isPresent();
        assertThat(asBob.delete(bobs)).isTrue();
        assertThat(asBob.delete(bobs)).isFalse(); // idempotent
        assertThat(db.collection("notes").count()).isEqualTo(2);
    }

    @Test
    void policiesChangedLaterApplyToExistingViews() {
        BlazeCollection asBob = db.withContext(BOB).collection("notes");
        assertThat(asBob.count()).isEqualTo(2);
        db.security().disable("notes");
        assertThat(asBob.count()).isEqualTo(3);
        asBob.update(alices, BlazeDataRecord.builder().put("text", "now allowed").build());
        db.security().enable("notes");
        assertThat(asBob.count()).isZero();
        assertThatThrownBy(() -> asBob.insert(note("bob", "red", "x"))).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aContextsChangeFeedShowsOnlyWhatItMayRead() {
        SecuredDatabase bob = db.withContext(BOB);
        StepVerifier.create(bob.collection("notes").changes().take(3))
                .then(() -> {
                    db.collection("notes").insert(note("alice", "blue", "hidden"));
                    db.collection("notes").insert(note("bob", "red", "seen"));
                    db.collection("notes").update(bobs, BlazeDataRecord.builder().put("owner", "alice").put("team", "blue").build());
                    db.collection("notes").delete(alices);
                })
                .assertNext(e -> assertThat(e.record().orElseThrow().string("text")).contains("seen"))
                // the update made bob's note unreadable for him: not shown; the delete carries no data
                .assertNext(e -> {
                    assertThat(e.type()).isEqualTo(ChangeType.DELETE);
                    assertThat(e.recordId()).isEqualTo(alices);
                })
                .then(() -> db.collection("notes").insert(note("carol", "red", "team")))
                .assertNext(e -> assertThat(e.record().orElseThrow().string("text")).contains("team"))
                .expectComplete()
                .verify(TIMEOUT);
        // replayed from the log, the same filter: of setUp's four inserts bob sees his and the team's
        StepVerifier.create(bob.changes(0).take(2).map(ChangeEvent::recordId))
                .expectNext(bobs, teamNote)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(bob.changes().take(1))
                .then(() -> db.insert(BlazeDataRecord.builder().put("x", 1L).build()))
                .assertNext(e -> assertThat(e.collection()).isEqualTo("default"))
                .expectComplete()
                .verify(TIMEOUT);
    }
}
