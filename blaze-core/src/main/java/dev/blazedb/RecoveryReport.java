package dev.blazedb;

import java.time.Duration;
import java.util.List;

/**
 * What opening a database found and did.
 *
 * @param checkpointUsed     whether a valid index checkpoint let the open skip replaying the log
 *                           up to {@code replayedFrom}
 * @param replayedFrom       the log position replay started from
 * @param replayedEntries    the number of log entries replayed
 * @param discardedTailBytes the number of bytes of a torn or uncommitted tail that were truncated
 * @param damagedRegions     the regions a salvage open skipped (always empty without salvage)
 * @param openTime           how long the open took, key derivation included
 */
public record RecoveryReport(boolean checkpointUsed, long replayedFrom, long replayedEntries,
                             long discardedTailBytes, List<DamagedRegion> damagedRegions, Duration openTime) {

    /** Copies the list. */
    public RecoveryReport {
        damagedRegions = List.copyOf(damagedRegions);
    }
}
