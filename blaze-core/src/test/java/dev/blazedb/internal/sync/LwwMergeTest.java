package dev.blazedb.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.ConflictResolver;
import dev.blazedb.FieldVersion;
import dev.blazedb.NodeId;
import dev.blazedb.codec.PropertyCheck;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LwwMergeTest {

    private static final UUID ID = UUID.fromString("0190a1b2-0000-7000-8000-000000000001");
    private static final NodeId N1 = SyncGen.NODES[0];
    private static final NodeId N2 = SyncGen.NODES[1];
    private static final String[] KEYS = {"a", "b", "c", "d"};

    /** A small random state: few keys, few timestamps, so collisions and ties are common. */
    private static RecordState state(SplittableRandom r) {
        TreeMap<String, BlazeValue> f = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        TreeMap<String, Version> v = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        Version deleted = r.nextInt(3) == 0 ? version(r) : null;
        for (String k : KEYS) {
            if (r.nextBoolean()) {
                Version ver = version(r);
                if (deleted == null || ver.after(deleted)) {
                    // the value is a function of the version: one write, one value, on every node
                    f.put(k, BlazeValue.string(k + ver));
                    v.put(k, ver);
                }
            }
        }
        return RecordState.of(f, v, deleted);
    }

    private static Version version(SplittableRandom r) {
        return new Version(1 + r.nextInt(6), SyncGen.NODES[r.nextInt(3)]);
    }

    private static RecordState merge(RecordState a, RecordState b) {
        return LwwMerge.merge("c", ID, a, b, null);
    }

    private record Pair(RecordState a, RecordState b) {
    }

    private record Triple(RecordState a, RecordState b, RecordState c) {
    }

    @Test
    void mergeIsCommutative() {
        PropertyCheck.forAll("merge commutes", 5000, r -> new Pair(state(r), state(r)),
                p -> assertThat(merge(p.a(), p.b())).isEqualTo(merge(p.b(), p.a())));
    }

    @Test
    void mergeIsAssociative() {
        PropertyCheck.forAll("merge associates", 5000, r -> new Triple(state(r), state(r), state(r)),
                t -> assertThat(merge(merge(t.a(), t.b()), t.c())).isEqualTo(merge(t.a(), merge(t.b(), t.c()))));
    }

    @Test
    void mergeIsIdempotentAndReapplyingChangesNothing() {
        PropertyCheck.forAll("merge is idempotent", 5000, r -> new Pair(state(r), state(r)), p -> {
            assertThat(merge(p.a(), p.a())).isSameAs(p.a());
            RecordState m = merge(p.a(), p.b());
            assertThat(merge(m, p.b())).isSameAs(m);
            assertThat(merge(m, p.a())).isSameAs(m);
        });
    }

    @Test
    void anyOrderOfDeliveryConverges() {
        PropertyCheck.forAll("delivery order does not matter", 2000, r -> {
            List<RecordState> writes = new ArrayList<>();
            int n = 2 + r.nextInt(6);
            for (int i = 0; i < n; i++) {
                writes.add(state(r));
            }
            return writes;
        }, writes -> {
            RecordState forward = RecordState.absent();
            for (RecordState w : writes) {
                forward = merge(forward, w);
            }
            RecordState backward = RecordState.absent();
            for (int i = writes.size() - 1; i >= 0; i--) {
                backward = merge(backward, writes.get(i));
                backward = merge(backward, writes.get(i)); // duplicates too
            }
            assertThat(backward).isEqualTo(forward);
        });
    }

    @Test
    void theNewerWriteOfAFieldWinsAndTiesGoToTheGreaterNode() {
        RecordState older = RecordState.of(rec("a", "old"), new Version(5, N2), Map.of(), null);
        RecordState newer = RecordState.of(rec("a", "new"), new Version(6, N1), Map.of(), null);
        assertThat(merge(older, newer).fields().get("a")).isEqualTo(BlazeValue.string("new"));
        assertThat(merge(newer, older).fields().get("a")).isEqualTo(BlazeValue.string("new"));
        RecordState tie1 = RecordState.of(rec("a", "n1"), new Version(5, N1), Map.of(), null);
        RecordState tie2 = RecordState.of(rec("a", "n2"), new Version(5, N2), Map.of(), null);
        assertThat(merge(tie1, tie2).fields().get("a")).isEqualTo(BlazeValue.string("n2"));
        assertThat(merge(tie2, tie1).fields().get("a")).isEqualTo(BlazeValue.string("n2"));
    }

    @Test
    void concurrentEditsOfDifferentFieldsAreBothKept() {
        RecordState base = RecordState.of(rec("a", "1").with("b", BlazeValue.string("1")), new Version(1, N1), Map.of(), null);
        RecordState editA = RecordState.of(rec("a", "2").with("b", BlazeValue.string("1")), new Version(2, N1),
                Map.of("b", new Version(1, N1)), null);
        RecordState editB = RecordState.of(rec("a", "1").with("b", BlazeValue.string("3")), new Version(3, N2),
                Map.of("a", new Version(1, N1)), null);
        RecordState m = merge(merge(base, editA), editB);
        assertThat(m.fields()).containsEntry("a", BlazeValue.string("2")).containsEntry("b", BlazeValue.string("3"));
    }

    @Test
    void aDeleteWinsOverOlderWritesAndALaterWriteRevives() {
        RecordState live = RecordState.of(rec("a", "x").with("b", BlazeValue.string("y")), new Version(5, N1), Map.of(), null);
        RecordState delete = RecordState.tombstone(new Version(7, N2));
        RecordState deleted = merge(live, delete);
        assertThat(deleted.live()).isFalse();
        assertThat(deleted.deletedAt()).isEqualTo(new Version(7, N2));
        // an older write arriving late does not bring it back
        RecordState stale = RecordState.of(rec("a", "stale"), new Version(6, N1), Map.of(), null);
        assertThat(merge(deleted, stale)).isSameAs(deleted);
        // a later one revives it with only what was written after the delete
        RecordState revive = RecordState.of(rec("c", "new"), new Version(8, N1), Map.of(), null);
        RecordState revived = merge(deleted, revive);
        assertThat(revived.live()).isTrue();
        assertThat(revived.fields()).containsOnlyKeys("c");
        assertThat(revived.toRecord(ID).uuid("id")).contains(ID);
        // and the revived record still refuses writes older than the delete
        assertThat(merge(revived, stale)).isSameAs(revived);
    }

    @Test
    void aDeleteConcurrentWithANewerFieldWriteKeepsOnlyTheNewerField() {
        RecordState live = RecordState.of(rec("a", "x").with("b", BlazeValue.string("y")), new Version(5, N1),
                Map.of("b", new Version(9, N1)), null);
        RecordState m = merge(live, RecordState.tombstone(new Version(7, N2)));
        assertThat(m.live()).isTrue();
        assertThat(m.fields()).containsOnlyKeys("b");
        assertThat(m.deletedAt()).isEqualTo(new Version(7, N2));
    }

    @Test
    void aSymmetricCustomResolverConverges() {
        // keeps the longer string, ties by version: deterministic and symmetric
        ConflictResolver longest = (coll, id, field, local, remote) -> {
            int c = Integer.compare(local.value().toString().length(), remote.value().toString().length());
            return c > 0 ? local : c < 0 ? remote : (remote.isNewerThan(local) ? remote : local);
        };
        PropertyCheck.forAll("custom resolver converges", 2000, r -> new Triple(state(r), state(r), state(r)), t -> {
            RecordState x = LwwMerge.merge("c", ID, LwwMerge.merge("c", ID, t.a(), t.b(), longest), t.c(), longest);
            RecordState y = LwwMerge.merge("c", ID, LwwMerge.merge("c", ID, t.c(), t.a(), longest), t.b(), longest);
            assertThat(x).isEqualTo(y);
        });
    }

    @Test
    void aResolverReturningSomethingElseIsRefused() {
        RecordState a = RecordState.of(rec("a", "1"), new Version(1, N1), Map.of(), null);
        RecordState b = RecordState.of(rec("a", "2"), new Version(2, N1), Map.of(), null);
        ConflictResolver bad = (coll, id, field, local, remote) -> new FieldVersion(BlazeValue.string("3"), 3, N1);
        assertThatThrownBy(() -> LwwMerge.merge("c", ID, a, b, bad)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("neither version");
    }

    private static BlazeDataRecord rec(String k, String v) {
        return BlazeDataRecord.builder().put(k, v).put("id", BlazeValue.uuid(ID)).build();
    }
}
