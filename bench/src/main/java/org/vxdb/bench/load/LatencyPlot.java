package org.vxdb.bench.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;

/**
 * The classic HdrHistogram percentile-distribution chart as a PNG: latency against percentile on
 * the "nines" scale, x = log10(1 / (1 - p)), so 90%, 99% and 99.9% sit one step apart and the
 * tail gets as much room as the median. Plain Java2D, so it runs on a headless benchmark host.
 */
public final class LatencyPlot {

    static {
        // Must be decided before AWT first looks: benchmark hosts have no display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Series colours in map iteration order (Tableau 10); repeats beyond ten series. */
    static final List<Color> PALETTE = Stream.of(
                    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                    0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf)
            .map(Color::new)
            .toList();

    static final int WIDTH = 1000;
    static final int HEIGHT = 600;
    private static final int PLOT_X = 80;
    private static final int PLOT_Y = 50;
    private static final int PLOT_W = WIDTH - PLOT_X - 30;
    private static final int PLOT_H = HEIGHT - PLOT_Y - 60;
    private static final Color GRID = new Color(0xdddddd);
    private static final Color INK = new Color(0x333333);
    /** Translucent, so a curve that runs under the legend still shows. */
    private static final Color LEGEND_BACKGROUND = new Color(255, 255, 255, 210);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private LatencyPlot() {
    }

    /**
     * Writes a PNG latency-by-percentile plot of each named series (HdrHistograms of nanoseconds),
     * one line per series in map order. A curve ends at its histogram's max, placed at 1 - 1/N,
     * the highest percentile N samples can tell apart. Replaces {@code png} atomically and creates
     * its parent directories.
     */
    public static void write(Path png, String title, Map<String, Histogram> series) throws IOException {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no series to plot");
        }
        save(render(title, series), png);
    }

    private static BufferedImage render(String title, Map<String, Histogram> series) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            Axes axes = Axes.of(series.values());
            drawPercentileAxis(g, axes);
            drawLatencyAxis(g, axes);
            drawCurves(g, axes, series.values());
            drawLegend(g, axes.unit(), series);
            g.setFont(TITLE_FONT);
            drawCentred(g, title, WIDTH / 2.0, PLOT_Y - 18);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawPercentileAxis(Graphics2D g, Axes axes) {
        g.setFont(LABEL_FONT);
        for (int nines = 0; nines <= axes.maxNines() + 1e-9; nines++) {
            int x = (int) Math.round(axes.px(nines));
            g.setColor(GRID);
            g.drawLine(x, PLOT_Y, x, PLOT_Y + PLOT_H);
            g.setColor(INK);
            drawCentred(g, ninesLabel(nines), x, PLOT_Y + PLOT_H + 18);
        }
        drawCentred(g, "percentile", PLOT_X + PLOT_W / 2.0, HEIGHT - 14);
    }

    private static void drawLatencyAxis(Graphics2D g, Axes axes) {
        FontMetrics fm = g.getFontMetrics(LABEL_FONT);
        for (int i = 0; i * axes.yStep() <= axes.yMax() * (1 + 1e-9); i++) {
            double value = i * axes.yStep();
            int y = (int) Math.round(axes.py(value * axes.unit().nanos()));
            g.setColor(GRID);
            g.drawLine(PLOT_X, y, PLOT_X + PLOT_W, y);
            g.setColor(INK);
            String label = axes.tickLabel(value);
            g.drawString(label, PLOT_X - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        g.drawRect(PLOT_X, PLOT_Y, PLOT_W, PLOT_H);
        AffineTransform unrotated = g.getTransform();
        g.translate(20, PLOT_Y + PLOT_H / 2.0);
        g.rotate(-Math.PI / 2);
        drawCentred(g, "latency (" + axes.unit().name() + ")", 0, 0);
        g.setTransform(unrotated);
    }

    private static void drawCurves(Graphics2D g, Axes axes, Collection<Histogram> series) {
        g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        int i = 0;
        for (Histogram h : series) {
            g.setColor(colour(i++));
            if (h.getTotalCount() > 0) {
                g.draw(curve(h, axes));
            }
        }
    }

    /** One point per pixel column, then the max at 1 - 1/N. */
    private static Path2D curve(Histogram h, Axes axes) {
        double lastNines = Math.log10(h.getTotalCount());
        int columns = (int) (lastNines / axes.maxNines() * PLOT_W);
        Path2D path = new Path2D.Double();
        path.moveTo(axes.px(0), axes.py(h.getValueAtPercentile(0)));
        for (int c = 1; c < columns; c++) {
            double nines = c * axes.maxNines() / PLOT_W;
            path.lineTo(axes.px(nines), axes.py(h.getValueAtPercentile(100 * (1 - Math.pow(10, -nines)))));
        }
        path.lineTo(axes.px(lastNines), axes.py(h.getMaxValue()));
        return path;
    }

    private static void drawLegend(Graphics2D g, Unit unit, Map<String, Histogram> series) {
        g.setFont(LABEL_FONT);
        FontMetrics fm = g.getFontMetrics();
        List<String> lines = new ArrayList<>();
        series.forEach((name, h) -> lines.add(legendText(name, h, unit)));
        int swatch = 24;
        int pad = 8;
        int row = fm.getHeight();
        int width = swatch + 3 * pad + lines.stream().mapToInt(fm::stringWidth).max().orElseThrow();
        int x = PLOT_X + 10;
        int y = PLOT_Y + 10;
        g.setColor(LEGEND_BACKGROUND);
        g.fillRect(x, y, width, lines.size() * row + 2 * pad);
        g.setColor(GRID);
        g.drawRect(x, y, width, lines.size() * row + 2 * pad);
        for (int i = 0; i < lines.size(); i++) {
            int middle = y + pad + i * row + row / 2;
            g.setColor(colour(i));
            g.drawLine(x + pad, middle, x + pad + swatch, middle);
            g.setColor(INK);
            g.drawString(lines.get(i), x + 2 * pad + swatch, middle + fm.getAscent() / 2 - 1);
        }
    }

    private static String legendText(String name, Histogram h, Unit unit) {
        if (h.getTotalCount() == 0) {
            return name + "  (no samples)";
        }
        return name
                + "   p50 " + unit.format(h.getValueAtPercentile(50))
                + "   p99 " + unit.format(h.getValueAtPercentile(99))
                + "   p99.9 " + unit.format(h.getValueAtPercentile(99.9));
    }

    private static void drawCentred(Graphics2D g, String text, double x, double baseline) {
        float left = (float) (x - g.getFontMetrics().stringWidth(text) / 2.0);
        g.drawString(text, left, (float) baseline);
    }

    /** 0%, 90%, 99%, 99.9%, ...: the percentile with {@code nines} nines. */
    static String ninesLabel(int nines) {
        return switch (nines) {
            case 0 -> "0%";
            case 1 -> "90%";
            case 2 -> "99%";
            default -> "99." + "9".repeat(nines - 2) + "%";
        };
    }

    private static Color colour(int series) {
        return PALETTE.get(series % PALETTE.size());
    }

    private static void save(BufferedImage image, Path png) throws IOException {
        Path target = png.toAbsolutePath();
        Path dir = Files.createDirectories(target.getParent());
        // A unique name beside the target, not createTempFile: that would leave the plot 0600.
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path tmp = dir.resolve("." + target.getFileName() + "." + random + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                if (!ImageIO.write(image, "png", out)) {
                    throw new IOException("no PNG writer in this JRE");
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A latency unit: its name and how many nanoseconds make one. */
    private record Unit(String name, double nanos) {

        static final Unit MILLIS = new Unit("ms", 1e6);
        static final Unit MICROS = new Unit("\u00b5s", 1e3);
        private static final MathContext THREE_DIGITS = new MathContext(3);

        /** Three significant digits, with the unit. */
        String format(double valueNanos) {
            return new BigDecimal(valueNanos / nanos).round(THREE_DIGITS).toPlainString() + " " + name;
        }
    }

    /**
     * The data ranges and their mapping to pixels: x in nines up to the most samples any series
     * has (at least 90%), y from 0 to a round number a little above the largest max.
     */
    private record Axes(double maxNines, Unit unit, double yStep, double yMax) {

        static Axes of(Collection<Histogram> series) {
            long samples = series.stream().mapToLong(Histogram::getTotalCount).max().orElseThrow();
            long maxNanos = series.stream().filter(h -> h.getTotalCount() > 0)
                    .mapToLong(Histogram::getMaxValue).max().orElse(0);
            Unit unit = maxNanos < Unit.MILLIS.nanos() ? Unit.MICROS : Unit.MILLIS;
            double top = maxNanos > 0 ? 1.05 * maxNanos / unit.nanos() : 1;
            double step = roundStep(top / 8);
            return new Axes(Math.max(1, Math.log10(samples)), unit, step, step * Math.ceil(top / step));
        }

        /** The 1, 2 or 5 times a power of ten at or above {@code raw}. */
        private static double roundStep(double raw) {
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            double mantissa = raw / power;
            return power * (mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10);
        }

        double px(double nines) {
            return PLOT_X + nines / maxNines * PLOT_W;
        }

        double py(double nanos) {
            return PLOT_Y + PLOT_H - nanos / unit.nanos() / yMax * PLOT_H;
        }

        String tickLabel(double value) {
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(yStep) + 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", value);
        }
    }
}
