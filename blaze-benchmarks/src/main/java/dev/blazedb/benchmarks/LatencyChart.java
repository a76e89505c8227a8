package dev.blazedb.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A PNG chart of latency distributions: HdrHistogram's percentile curve, one line per run, with
 * the bars as dashed lines, so a reader can look rather than read (docs/benchmarks.md).
 *
 * <p>The x axis is the percentile on HdrHistogram's usual scale, {@code 1 / (1 - p)} on a
 * logarithm (so 90 %, 99 %, 99.9 %, ... are evenly spaced and the tail is as wide as the body);
 * the y axis is the latency in microseconds, logarithmic too, because the tail of a shared
 * machine is orders of magnitude above the median. Plain Java2D and ImageIO, headless.
 */
public final class LatencyChart {

    /** The image width in pixels. */
    public static final int WIDTH = 960;
    /** The image height in pixels. */
    public static final int HEIGHT = 540;

    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    /** The highest percentile on the x axis: 99.999 %. */
    private static final double MAX_NINES = 5;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
    };

    /**
     * A horizontal reference line.
     *
     * @param label what it is, e.g. {@code "p99 bar 50 us"}
     * @param micros where, in microseconds
     */
    public record Bar(String label, double micros) {
    }

    /**
     * One curve.
     *
     * @param label its legend entry
     * @param histogram latencies in nanoseconds
     */
    public record Series(String label, Histogram histogram) {
    }

    private LatencyChart() {
    }

    /**
     * The points of a histogram's percentile curve: x = {@code log10(1 / (1 - p))} (capped at
     * 5, i.e. 99.999 %), y = the latency in microseconds at that percentile. Empty for an empty
     * histogram.
     */
    public static List<double[]> curve(Histogram histogram) {
        List<double[]> points = new ArrayList<>();
        if (histogram.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue v : histogram.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo() / 100.0;
            double x = p >= 1 ? MAX_NINES : Math.min(MAX_NINES, Math.log10(1 / (1 - p)));
            points.add(new double[] {x, v.getValueIteratedTo() / 1000.0});
            if (x >= MAX_NINES) {
                break;
            }
        }
        return points;
    }

    /** Renders the chart. */
    public static BufferedImage render(String title, List<Series> series, List<Bar> bars) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            List<List<double[]>> curves = new ArrayList<>();
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (Series s : series) {
                List<double[]> c = curve(s.histogram());
                curves.add(c);
                for (double[] p : c) {
                    lo = Math.min(lo, Math.max(p[1], 0.1));
                    hi = Math.max(hi, p[1]);
                }
            }
            for (Bar b : bars) {
                lo = Math.min(lo, b.micros());
                hi = Math.max(hi, b.micros());
            }
            if (hi <= 0) {
                lo = 1;
                hi = 100;
            }
            double yMin = Math.floor(Math.log10(lo));
            double yMax = Math.max(yMin + 1, Math.ceil(Math.log10(hi)));
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;

            // grid and axes
            g.setColor(new Color(0xdddddd));
            for (int n = 0; n <= MAX_NINES; n++) {
                int x = LEFT + (int) Math.round(plotW * n / MAX_NINES);
                g.drawLine(x, TOP, x, TOP + plotH);
            }
            for (int e = (int) yMin; e <= yMax; e++) {
                int y = yPixel(e, yMin, yMax, plotH);
                g.drawLine(LEFT, y, LEFT + plotW, y);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotW, plotH);
            for (int n = 0; n <= MAX_NINES; n++) {
                int x = LEFT + (int) Math.round(plotW * n / MAX_NINES);
                String label = percentileLabel(n);
                g.drawString(label, x - fm.stringWidth(label) / 2, TOP + plotH + fm.getAscent() + 6);
            }
            for (int e = (int) yMin; e <= yMax; e++) {
                int y = yPixel(e, yMin, yMax, plotH);
                String label = microsLabel(e);
                g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
            }
            String xTitle = "percentile";
            g.drawString(xTitle, LEFT + plotW / 2 - fm.stringWidth(xTitle) / 2, HEIGHT - 18);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            String yTitle = "latency (us, log scale)";
            rotated.drawString(yTitle, -(TOP + plotH / 2) - fm.stringWidth(yTitle) / 2, 20);
            rotated.dispose();
            Font bold = font.deriveFont(Font.BOLD, 15f);
            g.setFont(bold);
            g.drawString(title, LEFT, TOP - 18);
            g.setFont(font);

            // bars
            Stroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0);
            g.setStroke(dashed);
            g.setColor(new Color(0x555555));
            for (Bar b : bars) {
                int y = yPixel(Math.log10(b.micros()), yMin, yMax, plotH);
                g.drawLine(LEFT, y, LEFT + plotW, y);
                g.drawString(b.label(), LEFT + 6, y - 4);
            }

            // curves and legend
            g.setStroke(new BasicStroke(2f));
            int legendY = TOP + 18;
            for (int i = 0; i < curves.size(); i++) {
                List<double[]> c = curves.get(i);
                g.setColor(COLORS[i % COLORS.length]);
                if (!c.isEmpty()) {
                    Path2D path = new Path2D.Double();
                    for (int j = 0; j < c.size(); j++) {
                        double[] p = c.get(j);
                        double px = LEFT + plotW * p[0] / MAX_NINES;
                        double py = yPixel(Math.log10(Math.max(p[1], Math.pow(10, yMin))), yMin, yMax, plotH);
                        if (j == 0) {
                            path.moveTo(px, py);
                        } else {
                            path.lineTo(px, py);
                        }
                    }
                    g.draw(path);
                }
                String label = series.get(i).label() + (c.isEmpty() ? " (no samples)" : "");
                int lx = LEFT + plotW - 10 - fm.stringWidth(label);
                g.drawLine(lx - 28, legendY - fm.getAscent() / 2 + 1, lx - 6, legendY - fm.getAscent() / 2 + 1);
                g.setColor(Color.BLACK);
                g.drawString(label, lx, legendY);
                legendY += fm.getHeight() + 2;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Renders the chart into {@code file} (PNG), creating its directory. */
    public static void write(Path file, String title, List<Series> series, List<Bar> bars) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        BufferedImage img = render(title, series, bars);
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    private static int yPixel(double log10, double yMin, double yMax, int plotH) {
        return TOP + (int) Math.round(plotH * (1 - (log10 - yMin) / (yMax - yMin)));
    }

    /** The label of the x tick {@code nines}: 0 %, 90 %, 99 %, 99.9 %, ... */
    static String percentileLabel(int nines) {
        return switch (nines) {
            case 0 -> "0%";
            case 1 -> "90%";
            case 2 -> "99%";
            default -> "99." + "9".repeat(nines - 2) + "%";
        };
    }

    /** The label of the y tick 10^e microseconds. */
    static String microsLabel(int e) {
        double us = Math.pow(10, e);
        if (us >= 1_000_000) {
            return String.format(Locale.ROOT, "%.0f s", us / 1_000_000);
        }
        if (us >= 1000) {
            return String.format(Locale.ROOT, "%.0f ms", us / 1000);
        }
        return us >= 1 ? String.format(Locale.ROOT, "%.0f us", us) : String.format(Locale.ROOT, "%s us", us);
    }
}
