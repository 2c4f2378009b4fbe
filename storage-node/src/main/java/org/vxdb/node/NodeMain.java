package org.vxdb.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.config.ConfigException;
import sun.misc.Signal;

/**
 * {@code ./vxdb node --config FILE}: runs one storage node until SIGTERM or SIGINT, then shuts it
 * down gracefully and exits 0. Exit codes: 0 clean stop, 1 failed to start or stopped uncleanly,
 * 2 bad command line or configuration.
 */
public final class NodeMain {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMain.class);
    private static final String USAGE = "usage: vxdb node --config FILE";

    private NodeMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Path configFile;
        try {
            configFile = parseArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("vxdb node: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        if (configFile == null) {
            System.out.println(USAGE + "\n  see ops/config/node.example.yaml and docs/configuration.md");
            return 0;
        }
        NodeConfig config;
        try {
            config = NodeConfig.load(configFile);
        } catch (ConfigException e) {
            System.err.println("vxdb node: invalid configuration: " + e.getMessage());
            return 2;
        }
        applyLogLevel(config.logLevel());
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        StorageNode node;
        try {
            node = StorageNode.start(config);
        } catch (Exception e) {
            LOG.error("node {} failed to start: {}", config.nodeId(), e.getMessage(), e);
            return 1;
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("node {}: signal received", config.nodeId());
        try {
            node.shutdown(config.shutdownGrace());
            return 0;
        } catch (RuntimeException e) {
            LOG.error("node {}: shutdown failed", config.nodeId(), e);
            return 1;
        }
    }

    private static Path parseArgs(String[] args) {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--config needs a file");
                    }
                    config = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (config == null) {
            throw new IllegalArgumentException("--config FILE is required");
        }
        return config;
    }

    /** The level from the config, unless -Dvxdb.log.level overrides it. */
    private static void applyLogLevel(String level) {
        if (System.getProperty("vxdb.log.level") != null) {
            return;
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
