package org.vxdb.coordinator.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code write:} section: the default consistency level, how many replica writes may be in
 * flight to one node, and where replica writes that could not be delivered wait as hints.
 *
 * @param consistency         for writes whose request leaves the level UNSPECIFIED
 * @param replicaWindow       replica write calls in flight to one node at most; a replica write
 *                            beyond the consistency level that finds the window full becomes a hint
 * @param hintsDir            durable hints, one log per node, replayed when the node is healthy
 * @param hintReplayInterval  how often a node's hints are tried again
 */
public record WriteSettings(Consistency consistency, int replicaWindow, Path hintsDir, Duration hintReplayInterval) {
}
