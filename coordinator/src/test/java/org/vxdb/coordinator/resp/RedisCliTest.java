package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertLinesMatch;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.resp.RespClients.redisCli;
import static org.vxdb.coordinator.resp.RespClients.redisCli3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/** The Redis protocol driven by redis-cli, in RESP2 and (with -3) RESP3, against a real cluster. */
class RedisCliTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, RespClients.READ_YOUR_WRITES);
        port = cluster.respPort();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static List<String> lines(String output) {
        return output.lines().toList();
    }

    @Test
    void shouldAnswerPingEchoAndHelloInBothProtocols() {
        assertEquals("PONG\n", redisCli(port, "PING"));
        assertEquals("\"hi there\"\n", redisCli(port, "PING", "hi there"));
        assertEquals("\"x y\"\n", redisCli(port, "ECHO", "x y"));
        assertLinesMatch(List.of(" 1) \"server\"", " 2) \"vxdb\"", " 3) \"version\"", " 4) \"0.1.0\"", " 5) \"proto\"",
                " 6) (integer) 2", " 7) \"id\"", " 8\\) \\(integer\\) \\d+", " 9) \"mode\"", "10) \"standalone\"",
                "11) \"role\"", "12) \"master\"", "13) \"modules\"", "14) (empty array)"),
                lines(redisCli(port, "HELLO")));
        assertLinesMatch(List.of("1# \"server\" => \"vxdb\"", "2# \"version\" => \"0.1.0\"",
                "3# \"proto\" => (integer) 3", "4# \"id\" => \\(integer\\) \\d+", "5# \"mode\" => \"standalone\"",
                "6# \"role\" => \"master\"", "7# \"modules\" => (empty array)"), lines(redisCli3(port, "HELLO", "3")));
    }

    @Test
    void shouldAnswerConnectionCommandsLikeRedis() {
        assertEquals("OK\n", redisCli(port, "SELECT", "0"));
        assertEquals("OK\n", redisCli(port, "AUTH", "default", "anything"));
        assertEquals("OK\n", redisCli(port, "CLIENT", "SETINFO", "LIB-NAME", "tests"));
        assertLinesMatch(List.of("\\(integer\\) \\d+"), lines(redisCli(port, "CLIENT", "ID")));
        assertEquals("(nil)\n", redisCli(port, "CLIENT", "GETNAME"));
        // redis-cli prints INFO and CLIENT INFO raw, whatever the output mode.
        String client = redisCli(port, "CLIENT", "INFO");
        assertTrue(client.matches("id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:" + port + " name= age=\\d+"
                + " idle=\\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 resp=2 cmd=client user=default lib-name="
                + " lib-ver=\n"), client);
        assertEquals("RESET\n", redisCli3(port, "RESET"));
        String info = redisCli(port, "INFO", "server");
        assertTrue(info.startsWith("# Server\r\nredis_version:8.0.0\r\nvxdb_version:0.1.0\r\n"
                + "redis_mode:standalone\r\n"),
                info);
        String all = redisCli(port, "INFO");
        assertTrue(all.contains("\r\n\r\n# Persistence\r\nloading:0\r\n"), all);
        assertTrue(all.contains("\r\n\r\n# Replication\r\nrole:master\r\n"), all);
        String count = redisCli(port, "COMMAND", "COUNT");
        assertEquals("(integer) " + (redisCli(port, "COMMAND", "LIST").lines().count()) + "\n", count);
        assertLinesMatch(List.of("1) \"vadd\"", "2) 1) \"summary\"",
                "   2) \"VADD key [REDUCE dim] (FP32 vector | VALUES num vector) element [CAS] [NOQUANT | Q8 | BIN]"
                        + " [EF build-exploration-factor] [SETATTR attributes] [M numlinks] -- Adds an element to a"
                        + " vector set, or updates it.\"",
                "   3) \"since\"", "   4) \"8.0.0\"", "   5) \"group\"", "   6) \"vectorset\""),
                lines(redisCli(port, "COMMAND", "DOCS", "VADD")));
    }

    @Test
    void shouldAddAndFindVectorSetElementsWithScoresAttributesAndFilters() {
        assertEquals("(integer) 1\n", redisCli(port, "VADD", "films", "VALUES", "3", "1", "0", "0", "alien",
                "SETATTR", "{\"year\": 1979, \"genre\": \"horror\"}"));
        assertEquals("(integer) 1\n", redisCli(port, "VADD", "films", "VALUES", "3", "0", "1", "0", "up",
                "SETATTR", "{\"year\": 2009, \"genre\": \"family\"}"));
        assertEquals("(true)\n", redisCli3(port, "VADD", "films", "VALUES", "3", "1", "1", "0", "heat",
                "SETATTR", "{\"year\": 1995, \"genre\": \"crime\"}"));
        // Updating an element replies 0 and keeps its attributes.
        assertEquals("(integer) 0\n", redisCli(port, "VADD", "films", "VALUES", "3", "1", "0", "0", "alien"));
        assertEquals("(integer) 3\n", redisCli(port, "VCARD", "films"));

        assertEquals("1) \"alien\"\n2) \"heat\"\n3) \"up\"\n", redisCli(port, "VSIM", "films", "VALUES", "3", "1", "0",
                "0"));
        assertEquals("1) \"alien\"\n2) \"1\"\n3) \"heat\"\n4) \"0.8535534\"\n",
                redisCli(port, "VSIM", "films", "ELE", "alien", "WITHSCORES", "COUNT", "2"));
        assertEquals("1# \"alien\" => (double) 1\n2# \"heat\" => (double) 0.8535534\n"
                + "3# \"up\" => (double) 0.5\n", redisCli3(port, "VSIM", "films", "VALUES", "3", "1", "0", "0",
                "WITHSCORES"));
        assertEquals("1) \"heat\"\n2) \"0.8535534\"\n3) \"{\\\"year\\\": 1995, \\\"genre\\\": \\\"crime\\\"}\"\n"
                        + "4) \"up\"\n5) \"0.5\"\n6) \"{\\\"year\\\": 2009, \\\"genre\\\": \\\"family\\\"}\"\n",
                redisCli(port, "VSIM", "films", "VALUES", "3", "1", "0", "0", "WITHSCORES", "WITHATTRIBS", "FILTER",
                        ".year > 1990 and (.genre == \"crime\" || .genre in ['family', 'drama'])"));
        assertEquals("1# \"alien\" => \n   1) (double) 0.8535534\n"
                + "   2) \"{\\\"year\\\": 1979, \\\"genre\\\": \\\"horror\\\"}\"\n",
                redisCli3(port, "VSIM", "films", "ELE", "heat", "WITHSCORES", "WITHATTRIBS", "FILTER",
                        "!(.year >= 1990)", "COUNT", "5"));
        assertEquals("(empty array)\n", redisCli(port, "VSIM", "films", "VALUES", "3", "1", "0", "0", "FILTER",
                ".year < 1900"));
        assertEquals("(empty array)\n", redisCli(port, "VSIM", "no-such-set", "VALUES", "3", "1", "0", "0"));
    }

    @Test
    void shouldIntrospectAndEditVectorSetElements() {
        redisCli(port, "VADD", "dots", "VALUES", "2", "3", "4", "p", "SETATTR", "{\"n\": 1, \"tags\": [1, 2]}");
        redisCli(port, "VADD", "dots", "FP32", new String(new byte[0]), "q");
        assertEquals("(integer) 2\n", redisCli(port, "VDIM", "dots"));
        assertEquals("1) \"3\"\n2) \"4\"\n", redisCli(port, "VEMB", "dots", "p"));
        assertEquals("1) (double) 3\n2) (double) 4\n", redisCli3(port, "VEMB", "dots", "p"));
        assertEquals("1) f32\n2) \"\\x9a\\x99\\x19?\\xcd\\xccL?\"\n3) \"5\"\n", redisCli(port, "VEMB", "dots", "p",
                "RAW"));
        assertEquals("(nil)\n", redisCli(port, "VEMB", "dots", "nobody"));
        assertEquals("\"{\\\"n\\\": 1, \\\"tags\\\": [1, 2]}\"\n", redisCli(port, "VGETATTR", "dots", "p"));
        assertEquals("(integer) 1\n", redisCli(port, "VSETATTR", "dots", "p", "{\"n\": 2}"));
        assertEquals("\"{\\\"n\\\": 2}\"\n", redisCli(port, "VGETATTR", "dots", "p"));
        assertEquals("1) \"p\"\n", redisCli(port, "VSIM", "dots", "VALUES", "2", "3", "4", "FILTER", ".n == 2"));
        assertEquals("(integer) 0\n", redisCli(port, "VSETATTR", "dots", "nobody", "{}"));
        assertEquals("(integer) 1\n", redisCli(port, "VSETATTR", "dots", "p", ""));
        assertEquals("(nil)\n", redisCli(port, "VGETATTR", "dots", "p"));
        assertEquals("(empty array)\n", redisCli(port, "VSIM", "dots", "VALUES", "2", "3", "4", "FILTER", ".n == 2"));
        assertEquals("(integer) 1\n", redisCli(port, "VISMEMBER", "dots", "p"));
        assertLinesMatch(List.of(" 1) \"quant-type\"", " 2) \"f32\"", " 3) \"vector-dim\"", " 4) (integer) 2",
                " 5) \"size\"", " 6) (integer) 1", " 7) \"metric\"", " 8) \"COSINE\"", " 9) \"index\"", "10) \"Flat\"",
                "11) \"shards\"", "12\\) \\(integer\\) \\d+", "13) \"segments\"", "14) (integer) 0",
                "15) \"indexed-rows\"", "16) (integer) 0"), lines(redisCli(port, "VINFO", "dots")));
        assertEquals("(integer) 1\n", redisCli(port, "VREM", "dots", "p"));
        assertEquals("(integer) 0\n", redisCli(port, "VREM", "dots", "p"));
        assertEquals("(false)\n", redisCli3(port, "VISMEMBER", "dots", "p"));
        assertEquals("(integer) 0\n", redisCli(port, "VCARD", "dots"));
        assertEquals("(integer) 0\n", redisCli(port, "VCARD", "never-made"));
        assertEquals("(nil)\n", redisCli(port, "VINFO", "never-made"));
        assertEquals("(nil)\n", redisCli3(port, "VINFO", "never-made"));
        assertEquals("(nil)\n", redisCli(port, "VGETATTR", "never-made", "x"));
        assertEquals("vectorset\n", redisCli(port, "TYPE", "dots"));
        assertEquals("none\n", redisCli(port, "TYPE", "never-made"));
        assertEquals("(integer) 1\n", redisCli(port, "EXISTS", "dots", "never-made"));
        assertEquals("(integer) 1\n", redisCli(port, "DEL", "dots", "never-made"));
        assertEquals("(integer) 0\n", redisCli(port, "EXISTS", "dots"));
    }

    @Test
    void shouldWriteSearchReadAndDeleteWithVectorCommands() {
        assertEquals("OK\n", redisCli(port, "VECTOR.CREATE", "points", "DIM", "2", "METRIC", "L2", "INDEX", "Flat"));
        assertEquals("(integer) 3\n", redisCli(port, "VECTOR.MADD", "points", "DIM", "2", "WITHMETA",
                "1", "0", "0", "{\"kind\": \"origin\", \"rank\": 1}",
                "2", "3", "4", "",
                "18446744073709551615", "1", "1", "{\"kind\": \"unit\", \"ok\": true}"));
        assertEquals("(integer) 1\n", redisCli(port, "VECTOR.ADD", "points", "7", "10", "10", "META",
                "{\"kind\": \"far\"}", "CONSISTENCY", "ALL"));
        assertEquals("1) 1) \"id\"\n   2) \"1\"\n   3) \"distance\"\n   4) \"0\"\n"
                + "2) 1) \"id\"\n   2) \"18446744073709551615\"\n   3) \"distance\"\n   4) \"2\"\n",
                redisCli(port, "VECTOR.SEARCH", "points", "K", "2", "0", "0"));
        assertEquals("1) 1# \"id\" => \"18446744073709551615\"\n   2# \"distance\" => (double) 2\n"
                + "   3# \"metadata\" => \n      1# \"kind\" => \"unit\"\n      2# \"ok\" => (true)\n"
                + "   4# \"vector\" => \n      1) (double) 1\n      2) (double) 1\n",
                redisCli3(port, "VECTOR.SEARCH", "points", "K", "5", "0", "0", "FILTER",
                        ".ok == true", "WITHMETA", "WITHVECTORS"));
        assertEquals("1) 1) \"id\"\n   2) \"2\"\n   3) \"vector\"\n   4) 1) \"3\"\n      2) \"4\"\n"
                + "   5) \"metadata\"\n   6) (empty array)\n2) (nil)\n",
                redisCli(port, "VECTOR.GET", "points", "2", "99"));
        assertLinesMatch(List.of(" 1) \"name\"", " 2) \"points\"", " 3) \"dimension\"", " 4) (integer) 2",
                " 5) \"metric\"", " 6) \"L2\"", " 7) \"index\"", " 8) \"Flat\"", " 9) \"shards\"",
                "10\\) \\(integer\\) \\d+", "11) \"vectors\"",
                "12) (integer) 4", ">> 6 >>"), lines(redisCli(port, "VECTOR.INFO", "points")));
        assertEquals("(integer) 2\n", redisCli(port, "VECTOR.DEL", "points", "1", "2"));
        assertEquals("1) (nil)\n2) (nil)\n", redisCli(port, "VECTOR.GET", "points", "1", "2"));
        assertTrue(redisCli(port, "VECTOR.LIST").contains("\"points\""));
        assertEquals("OK\n", redisCli(port, "VECTOR.DROP", "points"));
        assertEquals("(error) ERR unknown collection 'points'\n", redisCli(port, "VECTOR.INFO", "points"));
    }

    @Test
    void shouldPipelineThousandsOfRowsThroughRedisCliPipe() {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(RespClients.command("VECTOR.CREATE", "piped", "DIM", "2", "METRIC", "L2")
                .getBytes(StandardCharsets.UTF_8));
        for (int batch = 0; batch < 40; batch++) {
            Object[] args = new Object[4 + 3 * 100];
            args[0] = "VECTOR.MADD";
            args[1] = "piped";
            args[2] = "DIM";
            args[3] = "2";
            for (int j = 0; j < 100; j++) {
                int id = batch * 100 + j;
                args[4 + 3 * j] = id;
                args[5 + 3 * j] = id;
                args[6 + 3 * j] = -id;
            }
            input.writeBytes(RespClients.command(args).getBytes(StandardCharsets.UTF_8));
        }
        // Inline commands pipeline too.
        input.writeBytes("VECTOR.GET piped 3999\r\n".getBytes(StandardCharsets.UTF_8));
        RespClients.Result r = RespClients.redisCliPipe(port, input.toByteArray());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().endsWith("errors: 0, replies: 42\n"), r.stdout());
        assertLinesMatch(List.of(" 1) \"name\"", " 2) \"piped\"", ">> 8 >>", "11) \"vectors\"", "12) (integer) 4000",
                ">> 6 >>"), lines(redisCli(port, "VECTOR.INFO", "piped")));
    }

    @Test
    void shouldAnswerEveryErrorWithRedisWordingAndKeepTheConnection() {
        assertEquals("(error) ERR unknown command 'FOO', with args beginning with: 'a' 'b c' \n",
                redisCli(port, "FOO", "a", "b c"));
        assertEquals("(error) ERR unknown command 'nope', with args beginning with: \n", redisCli(port, "nope"));
        assertEquals("(error) ERR wrong number of arguments for 'vadd' command\n", redisCli(port, "VADD", "k"));
        assertEquals("(error) ERR wrong number of arguments for 'echo' command\n", redisCli(port, "ECHO"));
        assertEquals("(error) ERR wrong number of arguments for 'client|setname' command\n",
                redisCli(port, "CLIENT", "SETNAME"));
        assertEquals("(error) ERR unknown subcommand 'KILLALL'. Try CLIENT HELP.\n",
                redisCli(port, "CLIENT", "KILLALL"));
        assertEquals("(error) ERR Client names cannot contain spaces, newlines or special characters.\n",
                redisCli(port, "CLIENT", "SETNAME", "a b"));
        assertEquals("(error) ERR AUTH <password> called without any password configured for the default user."
                + " Are you sure your configuration is correct?\n", redisCli(port, "AUTH", "secret"));
        assertEquals("(error) WRONGPASS invalid username-password pair or user is disabled.\n",
                redisCli(port, "AUTH", "alice", "secret"));
        assertEquals("(error) ERR DB index is out of range\n", redisCli(port, "SELECT", "1"));
        assertEquals("(error) ERR value is not an integer or out of range\n", redisCli(port, "SELECT", "one"));
        assertEquals("(error) NOPROTO unsupported protocol version\n", redisCli(port, "HELLO", "4"));
        assertEquals("(error) ERR Protocol version is not an integer or out of range\n", redisCli(port, "HELLO", "x"));
        assertEquals("(error) ERR Syntax error in HELLO option 'FOO'\n", redisCli(port, "HELLO", "3", "FOO"));

        redisCli(port, "VECTOR.CREATE", "l2set", "DIM", "2", "METRIC", "L2");
        assertEquals("(error) WRONGTYPE Operation against a key holding the wrong kind of value (collection 'l2set'"
                + " uses metric L2; vector-set commands need COSINE)\n",
                redisCli(port, "VADD", "l2set", "VALUES", "2", "1", "0", "e"));
        assertEquals("(error) ERR collection 'l2set' already exists\n",
                redisCli(port, "VECTOR.CREATE", "l2set", "DIM", "2", "METRIC", "L2"));
        assertEquals("(error) ERR METRIC must be L2, IP or COSINE, got 'EUCLID'\n",
                redisCli(port, "VECTOR.CREATE", "x1", "DIM", "2", "METRIC", "euclid"));
        assertEquals("(error) ERR unknown collection 'missing'\n", redisCli(port, "VECTOR.SEARCH", "missing", "K", "1",
                "0", "0"));
        assertEquals("(error) ERR vectors[0]: has 3 dimensions, collection 'l2set' has 2\n",
                redisCli(port, "VECTOR.ADD", "l2set", "1", "1", "2", "3"));
        assertEquals("(error) ERR vectors[0]: component 1 is not finite (NaN)\n",
                redisCli(port, "VECTOR.ADD", "l2set", "1", "1", "nan"));
        assertEquals("(error) ERR vector component 1 is not a number: 'one'\n",
                redisCli(port, "VECTOR.ADD", "l2set", "1", "1", "one"));
        assertEquals("(error) ERR id '-4' is not an unsigned 64-bit integer\n",
                redisCli(port, "VECTOR.ADD", "l2set", "-4", "1", "1"));
        assertEquals("(error) ERR invalid JSON in META: expected an object\n",
                redisCli(port, "VECTOR.ADD", "l2set", "4", "1", "1", "META", "[1]"));

        redisCli(port, "VADD", "cos", "VALUES", "2", "1", "0", "a");
        assertEquals("(error) ERR Vector dimension mismatch - got 3 but set has 2\n",
                redisCli(port, "VADD", "cos", "VALUES", "3", "1", "0", "0", "b"));
        assertEquals("(error) ERR REDUCE is not supported: VxDB stores vectors at their full dimension\n",
                redisCli(port, "VADD", "cos", "REDUCE", "1", "VALUES", "2", "1", "0", "b"));
        assertEquals("(error) ERR invalid vector specification\n", redisCli(port, "VADD", "cos", "VALUES", "9", "1",
                "0", "b"));
        assertEquals("(error) ERR invalid option after element\n", redisCli(port, "VADD", "cos", "VALUES", "2", "1",
                "0", "b", "FAST"));
        assertEquals("(error) ERR invalid EF\n",
                redisCli(port, "VADD", "cos", "VALUES", "2", "1", "0", "b", "EF", "0"));
        assertEquals("(error) ERR element not found in set\n", redisCli(port, "VSIM", "cos", "ELE", "zz"));
        assertEquals("(error) ERR syntax error in VSIM command\n", redisCli(port, "VSIM", "cos", "ELE", "a", "LIMIT"));
        assertEquals("(error) ERR invalid COUNT\n", redisCli(port, "VSIM", "cos", "ELE", "a", "COUNT", "0"));
        assertEquals("(error) ERR syntax error in FILTER expression at position 9 near '> 3': expected a .field or"
                + " a value\n", redisCli(port, "VSIM", "cos", "ELE", "a", "FILTER", ".year >  > 3"));
        assertEquals("(error) ERR syntax error in FILTER expression at position 7 near '- 2000) ** 2 < 100': arithmetic"
                + " (+ - * / % **) is not supported\n",
                redisCli(port, "VSIM", "cos", "ELE", "a", "FILTER", "(.year - 2000) ** 2 < 100"));
        assertEquals("(error) ERR invalid JSON in attributes: expected an object\n",
                redisCli(port, "VSETATTR", "cos", "a", "42"));
        assertEquals("(error) ERR attribute names starting with '_vset_' are reserved\n",
                redisCli(port, "VSETATTR", "cos", "a", "{\"_vset_element\": \"b\"}"));
        assertEquals("(error) ERR key does not exist\n", redisCli(port, "VDIM", "nothing-here"));
        assertEquals("(error) ERR VRANDMEMBER is not supported by VxDB (its vector sets have no HNSW graph of their own"
                + " to sample or walk)\n", redisCli(port, "VRANDMEMBER", "cos"));
        assertEquals("(error) ERR collection name 'a:b' is invalid: use 1-64 letters, digits, '_' or '-', starting with"
                + " a letter\n", redisCli(port, "VADD", "a:b", "VALUES", "2", "1", "0", "e"));
        // The connection survives errors: one redis-cli session sending several commands.
        assertEquals("(error) ERR unknown command 'FOO', with args beginning with: \nPONG\n"
                + "(error) ERR vector component 0 is not a number: 'x'\nPONG\n",
                RespClients.redisCliSession(port, "FOO\nPING\nVADD cos VALUES 2 x 0 b\nPING\n"));
    }

    @Test
    void shouldQueueBetweenMultiAndExecAndAbortOnQueueingErrors() {
        String session = RespClients.redisCliSession(port,
                "EXEC\nDISCARD\nMULTI\nMULTI\nVADD txset VALUES 2 1 0 a\nVCARD txset\nEXEC\n"
                        + "MULTI\nVCARD txset\nNOPE\nVDIM\nEXEC\nVCARD txset\nMULTI\nPING\nDISCARD\n");
        assertEquals("""
                (error) ERR EXEC without MULTI
                (error) ERR DISCARD without MULTI
                OK
                (error) ERR MULTI calls can not be nested
                QUEUED
                QUEUED
                1) (integer) 1
                2) (integer) 1
                OK
                QUEUED
                (error) ERR unknown command 'NOPE', with args beginning with:\s
                (error) ERR wrong number of arguments for 'vdim' command
                (error) EXECABORT Transaction discarded because of previous errors.
                (integer) 1
                OK
                QUEUED
                OK
                """, session);
    }

    /**
     * redis-cli in interactive mode (a terminal, here a pseudo-terminal from util-linux's script;
     * TERM=dumb keeps its line editor plain) loads COMMAND DOCS at start and shows it in HELP.
     */
    @Test
    void shouldServeRedisCliInteractiveHelpFromCommandDocs() {
        RespClients.Result r = RespClients.run(List.of("script", "-qec", "redis-cli -p " + port, "/dev/null"),
                "HELP VSIM\nPING\nquit\n".getBytes(StandardCharsets.UTF_8), java.util.Map.of("TERM", "dumb"), null);
        String out = r.stdout().replaceAll("\u001b\\[[0-9;]*m", "").replace("\r", "");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(out.contains("summary: VSIM key (ELE | FP32 | VALUES num) (vector | element) [WITHSCORES]"), out);
        assertTrue(out.contains("since: 8.0.0\n  group: vectorset\n"), out);
        assertTrue(out.contains("127.0.0.1:" + port + "> PONG\n"), out);
    }
}
