package org.dlsec.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;

/**
 * A model file (TorchScript {@code .pt}, {@code .onnx}) or dlsec model directory as bytes, shipped
 * to the executors in a Spark broadcast, so they need no copy of the model on shared storage. Each
 * executor JVM writes it once to a local directory named after its hash and loads it from there.
 */
final class ModelBundle implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final boolean directory;
    private final Map<String, byte[]> files;
    private final String sha256;

    private ModelBundle(String name, boolean directory, Map<String, byte[]> files, String sha256) {
        this.name = name;
        this.directory = directory;
        this.files = files;
        this.sha256 = sha256;
    }

    /** Reads the model at {@code path} (a file, or a directory with its files one level or more below). */
    static ModelBundle read(Path path) {
        if (!Files.exists(path)) {
            throw new DlsecException("model not found: " + path);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        StringBuilder digest = new StringBuilder();
        try {
            if (Files.isDirectory(path)) {
                List<Path> all;
                try (Stream<Path> s = Files.walk(path)) {
                    all = s.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : all) {
                    String rel = path.relativize(f).toString();
                    byte[] b = Files.readAllBytes(f);
                    files.put(rel, b);
                    digest.append(rel).append('=').append(Hashing.sha256(b)).append('\n');
                }
            } else {
                byte[] b = Files.readAllBytes(path);
                files.put(path.getFileName().toString(), b);
                digest.append(Hashing.sha256(b));
            }
        } catch (IOException e) {
            throw new DlsecException("cannot read model " + path + ": " + e.getMessage(), e);
        }
        return new ModelBundle(path.getFileName().toString(), Files.isDirectory(path), files,
                Hashing.sha256(digest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Writes the model under {@code root}/{hash} (once per JVM and hash) and returns its path there. */
    synchronized Path materialise(Path root) {
        Path dir = root.resolve(sha256);
        Path model = dir.resolve(name);
        Path done = dir.resolve(".complete");
        if (Files.exists(done)) {
            return model;
        }
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, "incoming-");
            Path base = directory ? tmp.resolve(name) : tmp;
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path target = base.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, f.getValue());
            }
            Files.createFile(tmp.resolve(".complete"));
            try {
                Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.exists(done)) {
                    throw raced;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to " + dir + ": " + e.getMessage(), e);
        }
        return model;
    }

    /** The default directory executors write models to. */
    static Path defaultRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "dlsec-spark-models-" + System.getProperty("user.name"));
    }

    String sha256() {
        return sha256;
    }
}
