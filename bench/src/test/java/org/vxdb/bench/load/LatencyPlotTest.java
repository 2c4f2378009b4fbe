package org.vxdb.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyPlotTest {

    private static final long MICROS = 1_000;
    private static final long MILLIS = 1_000_000;
    /** More same-colour pixels than a legend swatch has: only a drawn curve gets there. */
    private static final int CURVE_PIXELS = 300;

    @TempDir
    Path tmp;

    private static Histogram uniform() {
        Histogram h = new Histogram(3_600_000 * MILLIS, 3);
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            h.recordValue(100 * MICROS + random.nextLong(900 * MICROS));
        }
        return h;
    }

    /** Mostly 200-400 us, 1% at 5-20 ms, 0.1% at 50 ms. */
    private static Histogram withTail() {
        Histogram h = new Histogram(3_600_000 * MILLIS, 3);
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long base = 200 * MICROS + random.nextLong(200 * MICROS);
            long value = i % 1000 == 0 ? 50 * MILLIS : i % 100 == 0 ? 5 * MILLIS + random.nextLong(15 * MILLIS) : base;
            h.recordValue(value);
        }
        return h;
    }

    private static Map<String, Histogram> twoSeries() {
        Map<String, Histogram> series = new LinkedHashMap<>();
        series.put("uniform", uniform());
        series.put("tail", withTail());
        return series;
    }

    private static BufferedImage read(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null, "not a readable image: " + png);
        return image;
    }

    private static boolean isColour(BufferedImage image, int x, int y, Color colour) {
        return (image.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff);
    }

    private static int countPixels(BufferedImage image, Color colour) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                count += isColour(image, x, y, colour) ? 1 : 0;
            }
        }
        return count;
    }

    /** The smallest y (highest on screen) with {@code colour} in columns {@code [fromX, toX)}, or MAX_VALUE. */
    private static int topmostRow(BufferedImage image, Color colour, int fromX, int toX) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                if (isColour(image, x, y, colour)) {
                    return y;
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    @Test
    void shouldDrawEachSeriesInItsOwnColourOnA1000x600WhitePng() throws IOException {
        Path png = tmp.resolve("latency.png");

        LatencyPlot.write(png, "search latency", twoSeries());

        BufferedImage image = read(png);
        assertEquals(1000, image.getWidth());
        assertEquals(600, image.getHeight());
        assertEquals(0xffffff, image.getRGB(0, 0) & 0xffffff);
        assertEquals(0xffffff, image.getRGB(999, 599) & 0xffffff);
        for (Color colour : List.of(LatencyPlot.PALETTE.get(0), LatencyPlot.PALETTE.get(1))) {
            int pixels = countPixels(image, colour);
            assertTrue(pixels > CURVE_PIXELS, "pixels of " + colour + ": " + pixels);
        }
    }

    @Test
    void shouldDrawTheTailSeriesAboveTheUniformOneAtTheHighPercentiles() throws IOException {
        Path png = tmp.resolve("latency.png");

        LatencyPlot.write(png, "search latency", twoSeries());

        // The right edge of the plot is 99.99%: uniform tops out near 1 ms, the tail reaches 50 ms.
        BufferedImage image = read(png);
        int uniformTop = topmostRow(image, LatencyPlot.PALETTE.get(0), 850, 980);
        int tailTop = topmostRow(image, LatencyPlot.PALETTE.get(1), 850, 980);
        assertTrue(uniformTop < Integer.MAX_VALUE, "uniform curve missing at the right edge");
        assertTrue(tailTop < uniformTop - 200, "tail at row " + tailTop + ", uniform at row " + uniformTop);
    }

    @Test
    void shouldRejectAnEmptyMap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LatencyPlot.write(tmp.resolve("none.png"), "nothing", Map.of()));

        assertEquals("no series to plot", e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("none.png")));
    }

    @Test
    void shouldWriteAPlotWithoutACurveForAnEmptyHistogram() throws IOException {
        Path png = tmp.resolve("idle.png");

        LatencyPlot.write(png, "idle", Map.of("idle", new Histogram(3)));

        BufferedImage image = read(png);
        assertEquals(1000, image.getWidth());
        assertEquals(600, image.getHeight());
        int pixels = countPixels(image, LatencyPlot.PALETTE.get(0));
        assertTrue(pixels > 0 && pixels < CURVE_PIXELS, "legend swatch only, got " + pixels + " pixels");
    }

    @Test
    void shouldCreateParentDirectoriesAndReplaceAnExistingPlotLeavingNoTemporaryFile() throws IOException {
        Path png = tmp.resolve("runs/1/latency.png");

        LatencyPlot.write(png, "first", Map.of("uniform", uniform()));
        LatencyPlot.write(png, "second", twoSeries());

        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList());
        }
        assertTrue(countPixels(read(png), LatencyPlot.PALETTE.get(1)) > CURVE_PIXELS, "second plot replaced the first");
    }

    @Test
    void shouldLabelPercentilesByTheirNines() {
        assertEquals("0%", LatencyPlot.ninesLabel(0));
        assertEquals("90%", LatencyPlot.ninesLabel(1));
        assertEquals("99%", LatencyPlot.ninesLabel(2));
        assertEquals("99.9%", LatencyPlot.ninesLabel(3));
        assertEquals("99.999%", LatencyPlot.ninesLabel(5));
    }
}
