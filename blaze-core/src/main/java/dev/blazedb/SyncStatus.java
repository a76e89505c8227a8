package dev.blazedb;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of a {@link SyncConnection}'s progress.
 *
 * @param state     the connection's state
 * @param pending   local changes not yet acknowledged by the peer: committed here and not yet
 *                  sent, plus sent and not yet acknowledged (changes the policy skips count
 *                  until the outbound flow has passed them)
 * @param lastError the last failure (transport, protocol or a rejected change), if any
 * @param lag       how far behind the peer is: the age of the oldest change sent and not yet
 *                  acknowledged; zero when nothing is outstanding
 * @param sent      changes sent to the peer on this connection
 * @param received  changes received from the peer
 * @param applied   received changes that changed local state (the rest were already known)
 * @param rejected  changes refused, in either direction, by row-level security or the policy
 */
public record SyncStatus(ConnectionState state, long pending, Optional<Throwable> lastError, Duration lag,
                         long sent, long received, long applied, long rejected) {
}
