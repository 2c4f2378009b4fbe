package org.vxdb.coordinator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.coordinator.repair.Repairer;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.service.config.ConfigException;
import org.vxdb.service.tls.GrpcTls;
import org.vxdb.service.tls.TlsMaterial;
import sun.misc.Signal;

/**
 * {@code ./vxdb coordinator --config FILE} runs a coordinator until SIGTERM/SIGINT (exit 0 after a
 * graceful stop); {@code ./vxdb repair --config FILE [--collection NAME]} runs one anti-entropy
 * pass over every cluster and exits 0 when every cluster is in sync, 1 when some could not be
 * repaired. Exit 2: bad command line or configuration.
 */
public final class CoordinatorMain {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorMain.class);
    private static final String USAGE = "usage: vxdb coordinator --config FILE\n       vxdb repair --config FILE"
            + " [--collection NAME]";

    private CoordinatorMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Path configFile = null;
        String collection = null;
        boolean repair = args.length > 0 && args[0].equals("repair");
        try {
            for (int i = repair ? 1 : 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--config", "-c" -> configFile = Path.of(next(args, ++i, "--config needs a file"));
                    case "--collection" -> collection = next(args, ++i, "--collection needs a name");
                    case "--help", "-h" -> {
                        System.out.println(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (configFile == null) {
                throw new IllegalArgumentException("--config FILE is required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("vxdb: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        CoordinatorConfig config;
        try {
            config = CoordinatorConfig.load(configFile);
            Topology.load(config.topologyFile());
        } catch (ConfigException e) {
            System.err.println("vxdb: invalid configuration: " + e.getMessage());
            return 2;
        }
        applyLogLevel(config.logLevel());
        return repair ? repair(config, collection) : serve(config);
    }

    private static String next(String[] args, int i, String missing) {
        if (i >= args.length) {
            throw new IllegalArgumentException(missing);
        }
        return args[i];
    }

    private static int serve(CoordinatorConfig config) {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Coordinator coordinator;
        try {
            coordinator = Coordinator.start(config);
        } catch (Exception e) {
            LOG.error("coordinator {} failed to start: {}", config.coordinatorId(), e.getMessage(), e);
            return 1;
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            coordinator.shutdown(config.shutdownGrace());
        } catch (RuntimeException | Error e) {
            // A stop that fails must still end the process (the caller exits with the code).
            LOG.error("coordinator {} did not stop cleanly: {}", config.coordinatorId(), e.toString(), e);
            return 1;
        }
        return 0;
    }

    private static int repair(CoordinatorConfig config, String collection) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        // Secured nodes take only the cluster's certificates: repair dials them as the coordinator does.
        try (TlsMaterial tls = config.tls() == null ? null : config.tls().loadMaterial();
             NodeClients clients = new NodeClients(config, Topology.load(config.topologyFile()), scheduler,
                     (n, t) -> { }, tls == null ? null : GrpcTls.client(tls))) {
            Repairer repairer = new Repairer(clients, config.repairBuckets(), config.maxBatchRows());
            List<Repairer.ClusterReport> reports = collection == null ? repairer.repairAll()
                    : repairer.repairCollection(collection);
            boolean ok = true;
            for (Repairer.ClusterReport r : reports) {
                System.out.println(r);
                ok &= r.error() == null && r.converged();
            }
            System.out.println(ok ? "repair: every cluster is in sync" : "repair: some clusters are not in sync");
            return ok ? 0 : 1;
        } catch (RuntimeException e) {
            System.err.println("vxdb repair: " + e.getMessage());
            return 1;
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static void applyLogLevel(String level) {
        if (System.getProperty("vxdb.log.level") != null) {
            return;
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
