package org.dlsec.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.dlsec.core.DlsecException;

/**
 * Decodes PNG, JPEG and BMP files (greyscale or colour) into CHW float values in [0, 1] with the
 * JDK's ImageIO, optionally resized bilinearly.
 *
 * <p>A decoder warning (ImageIO's way of reporting a truncated JPEG, whose missing part it would
 * otherwise fill with grey) is an error, as is any exception of the codec: every failure is a
 * {@link DlsecException} naming the file. Greyscale values are read from the raster (no colour
 * conversion; 16-bit PNGs keep their precision); colour images are read as 8-bit sRGB, alpha
 * dropped. A greyscale image in a colour dataset is repeated over the three channels; a colour image
 * in a greyscale dataset is an error unless its three channels are equal.
 */
final class ImageDecoder {
    /** The formats dlsec reads (ImageIO's format names). */
    static final Set<String> FORMATS = Set.of("png", "jpeg", "bmp");
    /** The file extensions an image folder's files are picked by (case-insensitive). */
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");

    private ImageDecoder() {}

    /** What the header says: size and whether the image is greyscale. */
    record Header(int width, int height, boolean grey) {}

    static boolean isImageFile(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Reads only the header of {@code file}: its size and colour type (nothing is decoded). */
    static Header header(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader r = reader(in, file.toString());
            try {
                int w = r.getWidth(0);
                int h = r.getHeight(0);
                boolean grey = false;
                Iterator<javax.imageio.ImageTypeSpecifier> types = r.getImageTypes(0);
                if (types.hasNext()) {
                    ColorModel cm = types.next().getColorModel();
                    grey = isGrey(cm);
                }
                checkSize(w, h, file.toString());
                return new Header(w, h, grey);
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw failure(file.toString(), e);
        }
    }

    /**
     * Decodes {@code file} into {@code dst[offset .. offset + c*h*w)}, CHW order; resizes bilinearly
     * to h×w when {@code resize}, else the image must be h×w.
     */
    static void decode(Path file, int c, int h, int w, boolean resize, float[] dst, int offset) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DlsecException("image file not found: " + file);
        } catch (IOException e) {
            throw new DlsecException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        decode(bytes, file.toString(), c, h, w, resize, dst, offset);
    }

    /** As {@link #decode(Path, int, int, int, boolean, float[], int)}, from bytes; {@code name} is for messages. */
    static void decode(byte[] bytes, String name, int c, int h, int w, boolean resize, float[] dst, int offset) {
        BufferedImage img = read(bytes, name);
        int iw = img.getWidth();
        int ih = img.getHeight();
        if (!resize && (iw != w || ih != h)) {
            throw new DlsecException("image " + name + " is " + ih + "x" + iw + " but the dataset's images are "
                    + h + "x" + w + "; give --resize HxW to resize them all");
        }
        float[] src = resize && (iw != w || ih != h) ? new float[c * ih * iw] : dst;
        int srcOff = src == dst ? offset : 0;
        toChw(img, name, c, src, srcOff);
        if (src != dst) {
            resizeBilinear(src, c, ih, iw, dst, offset, h, w);
        }
    }

    static BufferedImage read(byte[] bytes, String name) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader r = reader(in, name);
            List<String> warnings = new ArrayList<>();
            r.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                int w = r.getWidth(0);
                int h = r.getHeight(0);
                checkSize(w, h, name);
                org.dlsec.core.Memory.require(8L * w * h, "image " + name + " (" + h + "x" + w + ")");
                BufferedImage img = r.read(0);
                if (!warnings.isEmpty()) {
                    throw new DlsecException("corrupt or truncated image " + name + ": " + warnings.get(0));
                }
                checkSize(img.getWidth(), img.getHeight(), name);
                return img;
            } finally {
                r.dispose();
            }
        } catch (DlsecException e) {
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw failure(name, e);
        }
    }

    private static ImageReader reader(ImageInputStream in, String name) {
        if (in == null) {
            throw new DlsecException("cannot read image " + name);
        }
        Iterator<ImageReader> it = ImageIO.getImageReaders(in);
        while (it.hasNext()) {
            ImageReader r = it.next();
            try {
                if (FORMATS.contains(r.getFormatName().toLowerCase(Locale.ROOT))) {
                    r.setInput(in, true, true);
                    return r;
                }
            } catch (IOException e) {
                r.dispose();
                throw failure(name, e);
            }
            r.dispose();
        }
        throw new DlsecException("not a PNG, JPEG or BMP image: " + name);
    }

    private static DlsecException failure(String name, Throwable e) {
        if (e instanceof DlsecException d) {
            return d;
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new DlsecException("cannot decode image " + name + " (unreadable, truncated or corrupt): " + msg, e);
    }

    private static void checkSize(int w, int h, String name) {
        if (w <= 0 || h <= 0 || (long) w * h > (1L << 26)) {
            throw new DlsecException("image " + name + " has an unsupported size " + h + "x" + w);
        }
    }

    private static boolean isGrey(ColorModel cm) {
        return !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /** Writes {@code img} as c channels, CHW, values in [0, 1]. */
    private static void toChw(BufferedImage img, String name, int c, float[] dst, int off) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        ColorModel cm = img.getColorModel();
        if (isGrey(cm)) {
            Raster ras = img.getRaster();
            float max = (float) ((1L << cm.getComponentSize(0)) - 1);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                ras.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = row[x] / max;
                    for (int k = 0; k < c; k++) {
                        dst[off + k * plane + y * w + x] = v;
                    }
                }
            }
            return;
        }
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int p = 0; p < plane; p++) {
            int v = rgb[p];
            int r = (v >> 16) & 0xff;
            int g = (v >> 8) & 0xff;
            int b = v & 0xff;
            if (c == 1) {
                if (r != g || g != b) {
                    throw new DlsecException("image " + name + " is in colour but the dataset is greyscale (its first"
                            + " image is); convert the images to one kind");
                }
                dst[off + p] = r / 255f;
            } else {
                dst[off + p] = r / 255f;
                dst[off + plane + p] = g / 255f;
                dst[off + 2 * plane + p] = b / 255f;
            }
        }
    }

    /**
     * Bilinear resizing of c planes of ih×iw into oh×ow, as PyTorch's
     * {@code F.interpolate(mode="bilinear", align_corners=False, antialias=False)}: output pixel
     * centres map to {@code (o + 0.5) * in/out - 0.5} in the input, clamped at 0.
     */
    static void resizeBilinear(float[] src, int c, int ih, int iw, float[] dst, int off, int oh, int ow) {
        int[] y0 = new int[oh];
        int[] y1 = new int[oh];
        float[] ly = new float[oh];
        weights(ih, oh, y0, y1, ly);
        int[] x0 = new int[ow];
        int[] x1 = new int[ow];
        float[] lx = new float[ow];
        weights(iw, ow, x0, x1, lx);
        for (int k = 0; k < c; k++) {
            int sp = k * ih * iw;
            int dp = off + k * oh * ow;
            for (int y = 0; y < oh; y++) {
                int r0 = sp + y0[y] * iw;
                int r1 = sp + y1[y] * iw;
                float wy = ly[y];
                for (int x = 0; x < ow; x++) {
                    float top = src[r0 + x0[x]] * (1 - lx[x]) + src[r0 + x1[x]] * lx[x];
                    float bottom = src[r1 + x0[x]] * (1 - lx[x]) + src[r1 + x1[x]] * lx[x];
                    dst[dp + y * ow + x] = top * (1 - wy) + bottom * wy;
                }
            }
        }
    }

    private static void weights(int in, int out, int[] i0, int[] i1, float[] l) {
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            float s = Math.max(scale * (o + 0.5f) - 0.5f, 0f);
            int a = Math.min((int) s, in - 1);
            i0[o] = a;
            i1[o] = a < in - 1 ? a + 1 : a;
            l[o] = s - a;
        }
    }
}
