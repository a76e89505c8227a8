package dev.blazedb.transport.memory.sync;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeRejectedException;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.RowPolicy;
import dev.blazedb.RowPredicate;
import dev.blazedb.SecurityContext;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
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
}
