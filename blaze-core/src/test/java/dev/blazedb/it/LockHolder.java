package dev.blazedb.it;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.DatabaseLockedException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Child process of {@link ProcessLockIT}. {@code hold <file>}: opens the database, prints
 * {@code OPENED}, and keeps it open until stdin closes. {@code probe <file>}: tries to open it and
 * prints {@code OPENED} or {@code LOCKED <exception class> <message>}.
 */
public final class LockHolder {

    private LockHolder() {
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        BlazeOptions options = BlazeOptions.builder().argon2(Argon2Params.of(1024, 1, 1)).build();
        try (BlazeDBClient db = BlazeDBClient.open("lock", Path.of(args[1]), "lock-test-password".toCharArray(), options)) {
            System.out.println("OPENED " + db.count());
            System.out.flush();
            if (args[0].equals("hold")) {
                while (System.in.read() >= 0) {
                    // hold the database until the parent closes our stdin or kills us
                }
            }
        } catch (DatabaseLockedException e) {
            System.out.println("LOCKED " + e.getClass().getName() + " " + e.getMessage());
            System.out.flush();
        }
    }
}
