package org.dlsec.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.dlsec.core.DlsecException;

/**
 * A PNG grid of images (JDK ImageIO): one row per sample, one column per panel (e.g. original,
 * perturbation, adversarial), each panel scaled up with nearest-neighbour and captioned.
 * Perturbations are shown centred on grey and stretched to their own maximum magnitude.
 */
public final class ImageGrid {
    /** One image: CHW floats in [0,1] (or, for a perturbation, signed), with a caption. */
    public record Panel(float[] chw, int channels, int height, int width, String caption, boolean signed) {}

    private final List<List<Panel>> rows = new ArrayList<>();
    private final List<String> header;
    private final int scale;

    public ImageGrid(List<String> header, int scale) {
        this.header = List.copyOf(header);
        this.scale = scale;
    }

    public void addRow(List<Panel> row) {
        rows.add(List.copyOf(row));
    }

    public int rows() {
        return rows.size();
    }

    public BufferedImage render() {
        if (rows.isEmpty()) {
            throw new DlsecException("no images to draw");
        }
        int cols = rows.stream().mapToInt(List::size).max().orElse(1);
        Panel p0 = rows.get(0).get(0);
        int cellW = p0.width() * scale + 8;
        int cellH = p0.height() * scale + 20;
        int top = 18;
        BufferedImage img = new BufferedImage(cols * cellW, top + rows.size() * cellH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.DARK_GRAY);
        for (int c = 0; c < header.size() && c < cols; c++) {
            g.drawString(header.get(c), c * cellW + 4, 13);
        }
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < rows.get(r).size(); c++) {
                Panel p = rows.get(r).get(c);
                int x0 = c * cellW + 4;
                int y0 = top + r * cellH;
                drawPanel(img, p, x0, y0);
                g.setColor(Color.BLACK);
                g.drawString(p.caption(), x0, y0 + p.height() * scale + 13);
            }
        }
        g.dispose();
        return img;
    }

    private void drawPanel(BufferedImage img, Panel p, int x0, int y0) {
        int plane = p.height() * p.width();
        float maxAbs = 1e-12f;
        if (p.signed()) {
            for (float v : p.chw()) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
        }
        for (int yy = 0; yy < p.height(); yy++) {
            for (int xx = 0; xx < p.width(); xx++) {
                int[] rgb = new int[3];
                for (int k = 0; k < 3; k++) {
                    int ch = p.channels() == 1 ? 0 : k;
                    float v = p.chw()[ch * plane + yy * p.width() + xx];
                    float u = p.signed() ? 0.5f + 0.5f * v / maxAbs : v;
                    rgb[k] = Math.max(0, Math.min(255, Math.round(u * 255)));
                }
                int color = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x0 + xx * scale + dx, y0 + yy * scale + dy, color);
                    }
                }
            }
        }
    }

    public void write(Path file) {
        BufferedImage img = render();
        org.dlsec.core.AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }

    public byte[] png() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(render(), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
