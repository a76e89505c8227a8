package dev.blazedb.it;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.Durability;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Child process of {@link CrashSafetyIT}: writes to a database until it is killed, and prints
 * {@code D <id>} for every record it knows to be durable (SYNC mode: when insert returns;
 * GROUP mode: after {@code sync()} returned). Batches carry {@code batch} and {@code size} fields.
 *
 * <p>Arguments: database file, SYNC or GROUP, seed.
 */
public final class CrashWriter {

    private CrashWriter() {
    }

    /** Runs until killed. */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        boolean sync = args[1].equals("SYNC");
        Random rnd = new Random(Long.parseLong(args[2]));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        BlazeOptions options = BlazeOptions.builder()
                .argon2(Argon2Params.of(1024, 1, 1))
                .durability(sync ? Durability.SYNC : Durability.group(Duration.ofMillis(5)))
                .checkpointInterval(128 << 10)
                .writeBufferSize(256 << 10)
                .build();
        try (BlazeDBClient db = BlazeDBClient.open("crash", file, "crash-test-password".toCharArray(), options)) {
            out.println("READY " + db.lastSequence() + " " + db.count());
            out.flush();
            List<UUID> pending = new ArrayList<>();
            for (long op = 1; ; op++) {
                if (rnd.nextInt(10) < 7) {
                    UUID id = db.insert(BlazeDataRecord.builder().put("kind", "single").put("op", op)
                            .put("payload", BlazeValue.string("x".repeat(rnd.nextInt(200)))).build());
                    pending.add(id);
                } else {
                    int size = 2 + rnd.nextInt(20);
                    String batch = UUID.randomUUID().toString();
                    List<BlazeDataRecord> records = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        records.add(BlazeDataRecord.builder().put("kind", "batch").put("batch", batch)
                                .put("size", size).put("op", op).build());
                    }
                    pending.addAll(db.insertMany(records));
                }
                if (sync || op % 10 == 0) {
                    if (!sync) {
                        db.sync();
                    }
                    for (UUID id : pending) {
                        out.println("D " + id);
                    }
                    out.flush();
                    pending.clear();
                }
                if (op % 150 == 0) {
                    db.compact();
                    out.println("COMPACTED " + op);
                    out.flush();
                }
            }
        }
    }
}
