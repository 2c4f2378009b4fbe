package org.vxdb.coordinator.write;

import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.topology.NodeInfo;

/**
 * Tallies the replica acknowledgements of one cluster's write until the consistency level is met
 * or can no longer be met. Replicas that answer after the decision still finish their write (it
 * only makes them more up to date); their failures are left to repair.
 */
final class ClusterWrite {

    /** How one cluster's write ended: written, or failed with a status and a reason for each of its ids. */
    record Outcome(int cluster, boolean written, Status.Code code, String reason) {
    }

    private final int cluster;
    private final String range;
    private final List<NodeInfo> replicas;
    private final int required;
    private final String level;
    private final CompletableFuture<Outcome> decided = new CompletableFuture<>();
    /** Each failed replica's error, in replica order so messages do not depend on timing. */
    private final String[] errors;
    private int acks;
    private int failures;
    /** A verdict on the request itself (bad input, create-only conflict) rather than on a node. */
    private Status requestError;

    /** @param range the label of the cluster's range, e.g. {@code clusters 0-3}, for messages */
    ClusterWrite(int cluster, String range, List<NodeInfo> replicas, int required, String level) {
        this.cluster = cluster;
        this.range = range;
        this.replicas = replicas;
        this.required = required;
        this.level = level;
        this.errors = new String[replicas.size()];
    }

    CompletableFuture<Outcome> decided() {
        return decided;
    }

    synchronized void acknowledged() {
        acks++;
        if (acks >= required && requestError == null) {
            decided.complete(new Outcome(cluster, true, Status.Code.OK, ""));
        }
    }

    synchronized void failed(NodeInfo node, Throwable t) {
        failed(node, CallFailures.describe(t), t);
    }

    /** A replica that was not written now ({@code why}), e.g. its write became a hint. */
    synchronized void notWritten(NodeInfo node, String why) {
        failed(node, why, null);
    }

    private void failed(NodeInfo node, String why, Throwable t) {
        failures++;
        errors[replicas.indexOf(node)] = node.id() + " " + why;
        if (t == null) {
            decideUnlessPossible();
            return;
        }
        if (!CallFailures.isNodeTrouble(t) && requestError == null) {
            requestError = CallFailures.status(t);
            decided.complete(new Outcome(cluster, false, requestError.getCode(), requestError.getDescription()));
            return;
        }
        decideUnlessPossible();
    }

    private void decideUnlessPossible() {
        if (failures > replicas.size() - required) {
            decided.complete(new Outcome(cluster, false, Status.Code.UNAVAILABLE, "cluster " + cluster + " (" + range
                    + "): " + acks + " of " + replicas.size() + " replicas acknowledged, " + level + " needs "
                    + required + " (" + String.join("; ", java.util.Arrays.stream(errors).filter(e -> e != null)
                    .toList()) + ")"));
        }
    }
}
