package dev.blazedb.transport.memory.sync;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ChangeRejectedException;
import dev.blazedb.ChangeType;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.RowPolicy;
import dev.blazedb.RowPredicate;
import dev.blazedb.SecurityContext;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.test.SyncCluster;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RowLevelSecuritySyncTest {

    private static BlazeDataRecord note(String owner, String text) {
        return BlazeDataRecord.builder().put("owner", owner).put("text", text).build();
    }

    @Test
    void aPeerReceivesOnlyWhatItsContextMayReadAndAppliesOnlyWhatItMayWrite() {
        BlazeDBClient server = BlazeDBClient.inMemory("server");
        BlazeDBClient bobs = BlazeDBClient.inMemory("bobs-device");
        server.security().addPolicy("notes", RowPolicy.permissive("own notes").using(RowPredicate.fieldIsUser("owner")).build());
        try (server; bobs; BlazeTopology t = new BlazeTopology()) {
            NodeId s = t.register(server, "server", SyncRole.SERVER).block(TIMEOUT);
            NodeId b = t.register(bobs, "bob", SyncRole.CLIENT, SecurityContext.of("bob")).block(TIMEOUT);
            SyncConnection conn = t.connectLocal(s, b, SyncPolicy.builder().respectRLS(true).build()).block(TIMEOUT);

            UUID alices = server.collection("notes").insert(note("alice", "alice's"));
            UUID bobsNote = server.collection("notes").insert(note("bob", "bob's"));
            UUID open = server.collection("public").insert(note("alice", "no RLS here"));
            conn.awaitIdle().block(TIMEOUT);
            assertThat(bobs.collection("notes").fetch(bobsNote)).isPresent();
            assertThat(bobs.collection("notes").fetch(alices)).isEmpty();
            assertThat(bobs.collection("public").fetch(open)).isPresent();

            // bob forges a note in alice's name: refused by the server, reported, not applied
            UUID forged = bobs.collection("notes").insert(note("alice", "forged"));
            // and then writes his own, which must still go through: the stream continues
            UUID fine = bobs.collection("notes").insert(note("bob", "fine"));
            bobs.collection("notes").update(bobsNote, BlazeDataRecord.builder().put("text", "edited by bob").build());
            conn.awaitIdle().block(TIMEOUT);
            assertThat(server.collection("notes").fetch(forged)).isEmpty();
            assertThat(server.collection("notes").fetch(fine)).isPresent();
            assertThat(server.collection("notes").fetch(bobsNote).orElseThrow().string("text")).contains("edited by bob");
            assertThat(conn.status().rejected()).isEqualTo(1);
            assertThat(conn.status().lastError()).containsInstanceOf(ChangeRejectedException.class);
            ChangeRejectedException ex = (ChangeRejectedException) conn.status().lastError().orElseThrow();
            assertThat(ex.recordId()).isEqualTo(forged);
            assertThat(ex.collection()).isEqualTo("notes");
            assertThat(ex.getMessage()).contains("no permissive policy").contains("INSERT").contains("user 'bob'");

            // bob may not give his note away either (UPDATE's WITH CHECK), nor delete alice's
            bobs.collection("notes").update(bobsNote, BlazeDataRecord.builder().put("owner", "alice").build());
            conn.awaitIdle().block(TIMEOUT);
            assertThat(server.collection("notes").fetch(bobsNote).orElseThrow().string("owner")).contains("bob");
            assertThat(conn.status().rejected()).isEqualTo(2);
        }
    }

    @Test
    void withoutRespectRlsEverythingFlows() {
        BlazeDBClient server = BlazeDBClient.inMemory("server");
        BlazeDBClient other = BlazeDBClient.inMemory("other");
        server.security().addPolicy("notes", RowPolicy.permissive("nobody").using(RowPredicate.never()).build());
        try (server; other; BlazeTopology t = new BlazeTopology()) {
            NodeId s = t.register(server, "server", SyncRole.SERVER).block(TIMEOUT);
            NodeId o = t.register(other, "other", SyncRole.CLIENT).block(TIMEOUT);
            SyncConnection conn = t.connectLocal(s, o, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            UUID id = server.collection("notes").insert(note("alice", "x"));
            conn.awaitIdle().block(TIMEOUT);
            assertThat(other.collection("notes").fetch(id)).isPresent();
            assertThat(conn.status().rejected()).isZero();
        }
    }

    /**
     * The documented choice (docs/sync.md, "A row that stops being readable"): once an update makes
     * a row unreadable for the peer, no later version reaches it, live or in catch-up after a
     * reconnect; its last readable copy is not withdrawn. When the row becomes readable again the
     * peer gets its whole current state, and a delete always reaches it.
     */
    @Test
    void aRowThatStopsBeingReadableIsNoLongerSentToThePeer() {
        BlazeDBClient server = BlazeDBClient.inMemory("server");
        BlazeDBClient bobs = BlazeDBClient.inMemory("bobs-device");
        server.security().addPolicy("notes", RowPolicy.permissive("own notes").using(RowPredicate.fieldIsUser("owner")).build());
        try (SyncCluster c = new SyncCluster()) {
            NodeId s = c.add(server, "server", SyncRole.SERVER);
            NodeId b = c.add(bobs, "bob", SyncRole.CLIENT, SecurityContext.of("bob"));
            SyncPolicy rls = SyncPolicy.builder().respectRLS(true).build();
            SyncConnection conn = c.topology().connectLocal(s, b, rls).block(TIMEOUT);
            UUID id = server.collection("notes").insert(note("bob", "v1"));
            conn.awaitIdle().block(TIMEOUT);
            assertThat(bobs.collection("notes").fetch(id).orElseThrow().string("text")).contains("v1");

            // given away: bob may no longer read it, so neither this version nor later ones go to him
            server.collection("notes").update(id, BlazeDataRecord.builder().put("owner", "alice").put("text", "v2").build());
            server.collection("notes").update(id, BlazeDataRecord.builder().put("text", "v3").build());
            conn.awaitIdle().block(TIMEOUT);
            BlazeDataRecord stale = bobs.collection("notes").fetch(id).orElseThrow();
            assertThat(stale.string("owner")).contains("bob");
            assertThat(stale.string("text")).contains("v1");
            assertThat(remoteChanges(bobs)).isEqualTo(1);

            // nor in the catch-up of a new connection, which streams the log after bob's resume point
            conn.disconnect().block(TIMEOUT);
            server.collection("notes").update(id, BlazeDataRecord.builder().put("text", "v4").build());
            SyncConnection again = c.topology().connectLocal(s, b, rls).block(TIMEOUT);
            again.awaitIdle().block(TIMEOUT);
            assertThat(bobs.collection("notes").fetch(id).orElseThrow().string("text")).contains("v1");
            assertThat(remoteChanges(bobs)).isEqualTo(1);
            assertThat(again.status().rejected()).isZero();

            // readable again: the next version carries the whole state, and bob converges
            server.collection("notes").update(id, BlazeDataRecord.builder().put("owner", "bob").build());
            again.awaitIdle().block(TIMEOUT);
            assertThat(bobs.collection("notes").fetch(id)).isEqualTo(server.collection("notes").fetch(id));
            assertThat(bobs.collection("notes").fetch(id).orElseThrow().string("text")).contains("v4");

            // unreadable once more, then deleted: the delete (it carries no data) still reaches bob
            server.collection("notes").update(id, BlazeDataRecord.builder().put("owner", "alice").build());
            server.collection("notes").delete(id);
            again.awaitIdle().block(TIMEOUT);
            assertThat(bobs.collection("notes").fetch(id)).isEmpty();
            assertThat(SyncCluster.history(bobs)).last().satisfies(e -> {
                assertThat(e.type()).isEqualTo(ChangeType.DELETE);
                assertThat(e.isRemote()).isTrue();
            });
        }
    }

    private static long remoteChanges(BlazeDBClient db) {
        return SyncCluster.history(db).stream().filter(ChangeEvent::isRemote).count();
    }
}
