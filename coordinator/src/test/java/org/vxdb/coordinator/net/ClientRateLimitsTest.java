package org.vxdb.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.coordinator.core.InFlightBudget;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.testing.InProcessCluster;

class ClientRateLimitsTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAClientOverItsRateWithoutTouchingOtherClients() {
        ClientRateLimits limits = new ClientRateLimits(3, 0);
        int granted = 0;
        VxdbException refused = null;
        for (int i = 0; i < 1000 && refused == null; i++) {
            try {
                limits.acquire("10.0.0.1");
                granted++;
            } catch (VxdbException e) {
                refused = e;
            }
        }
        assertTrue(refused != null && granted >= 3, "granted " + granted);
        assertEquals(VxdbException.Code.RESOURCE_EXHAUSTED, refused.code());
        assertEquals("rate limit of 3 requests per second exceeded for client 10.0.0.1; retry after 1 s",
                refused.getMessage());
        limits.acquire("10.0.0.2");
    }

    @Test
    void shouldGrantABurstAboveTheRateAndAskForTheLongerWait() {
        ClientRateLimits limits = new ClientRateLimits(2, 4);
        int granted = 0;
        for (int i = 0; i < 100; i++) {
            try {
                limits.acquire("10.0.0.3");
                granted++;
            } catch (VxdbException e) {
                assertEquals("rate limit of 2 requests per second exceeded for client 10.0.0.3; retry after 3 s",
                        e.getMessage());
                break;
            }
        }
        // rate + burst at once (a refresh inside the loop could add one more period's worth)
        assertTrue(granted == 6 || granted == 12, "granted " + granted);
        assertEquals(3, limits.retryAfterSeconds());
    }

    @Test
    void shouldLetEverythingThroughWhenTheLimitIsOff() {
        ClientRateLimits off = new ClientRateLimits(0, 0);
        for (int i = 0; i < 10_000; i++) {
            off.acquire("10.0.0.1");
        }
        assertEquals(false, off.enabled());
    }

    @Test
    void shouldKeyClientsByHostWhateverTheirPort() {
        assertEquals("127.0.0.1", ClientRateLimits.clientOf("127.0.0.1:53211"));
        assertEquals("0:0:0:0:0:0:0:1", ClientRateLimits.clientOf("0:0:0:0:0:0:0:1:40000"));
    }

    @Test
    void shouldBoundTheInFlightBudgetAndSayWhenSaturated() {
        InFlightBudget budget = new InFlightBudget(2, 2);
        budget.acquire();
        budget.acquire();
        assertEquals(false, budget.saturated());
        budget.acquire();
        assertEquals(true, budget.saturated());
        budget.acquire();
        VxdbException e = assertThrows(VxdbException.class, budget::acquire);
        assertEquals("coordinator is at its limit of 4 requests in flight (2 running, 2 queued); retry with backoff",
                e.getMessage());
        budget.release();
        budget.acquire();
        assertEquals(4, budget.inFlight());
    }

    @Test
    void shouldCallBackOnceWhenTheBudgetDrainsBelowItsMark() {
        InFlightBudget budget = new InFlightBudget(2, 2);
        budget.acquire();
        budget.acquire();
        budget.acquire();
        int[] calls = new int[1];
        budget.whenNotSaturated(() -> calls[0]++);
        assertEquals(0, calls[0]);
        budget.release();
        assertEquals(1, calls[0]);
        budget.release();
        assertEquals(1, calls[0]);
        budget.whenNotSaturated(() -> calls[0]++); // not saturated: at once
        assertEquals(2, calls[0]);
        budget.whenNotSaturated(() -> {
            throw new IllegalStateException("a closed connection's loop");
        });
        budget.release(); // a failing waiter never reaches the caller of release
        assertEquals(0, budget.inFlight());
    }

    @Test
    void shouldRateLimitGrpcCallsWithResourceExhausted() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir, "connections:\n  rate_limit: 2\n")) {
            var stub = CollectionServiceGrpc.newBlockingStub(cluster.channel());
            StatusRuntimeException refused = null;
            for (int i = 0; i < 500 && refused == null; i++) {
                try {
                    stub.listCollections(ListCollectionsRequest.getDefaultInstance());
                } catch (StatusRuntimeException e) {
                    refused = e;
                }
            }
            assertTrue(refused != null, "500 calls were never rate limited");
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
            assertEquals("rate limit of 2 requests per second exceeded for client 127.0.0.1; retry after 1 s",
                    refused.getStatus().getDescription());
        }
    }
}
