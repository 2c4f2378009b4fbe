package org.vxdb.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vxdb.service.config.ConfigTesting;

/**
 * Runs the commands of docs/runbooks/ as an operator would: each {@code ```sh} block through bash
 * from the repository root with the runbook variables ({@code VXDB_REST}, ...) set, and a
 * {@code ./vxdb repair ...} line through {@link CoordinatorMain}, which is what the launcher runs.
 */
final class RunbookSteps {

    private static final Pattern BLOCK = Pattern.compile("(?m)^ *```sh\\R(.*?)\\R *```", Pattern.DOTALL);

    private RunbookSteps() {
    }

    /** Every {@code ```sh} block of {@code docs/runbooks/<name>}, in order, its indentation removed. */
    static List<String> blocks(String name) throws IOException {
        String text = Files.readString(ConfigTesting.repoFile("docs/runbooks/" + name));
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(m.group(1).stripIndent());
        }
        return blocks;
    }

    /** Runs {@code script} with bash ({@code -euo pipefail}); its output, after asserting exit 0. */
    static String bash(String script, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .directory(ConfigTesting.repoFile("docs").getParent().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), script);
        assertEquals(0, p.exitValue(), () -> script + "\n" + out);
        return out;
    }

    /** A runbook's {@code ./vxdb repair ...} line, its variables expanded from {@code env}: what it prints. */
    static String repair(String commandLine, Map<String, String> env) {
        assertTrue(commandLine.startsWith("./vxdb repair "), commandLine);
        List<String> args = new ArrayList<>(List.of("repair"));
        for (String word : commandLine.substring("./vxdb repair ".length()).split(" ")) {
            String plain = word.replace("\"", "");
            args.add(plain.startsWith("$") ? env.get(plain.substring(1)) : plain);
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = CoordinatorMain.run(args.toArray(String[]::new));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, () -> args + "\n" + printed + errors.toString(StandardCharsets.UTF_8));
        return printed;
    }
}
