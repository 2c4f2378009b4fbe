package org.vxdb.service.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The known name a misspelt one was probably meant to be, for "did you mean" hints. Names are
 * compared without case, {@code _} and {@code -}, so {@code maxBatchRows} finds {@code max_batch_rows}.
 */
public final class NearestName {

    private NearestName() {
    }

    public static Optional<String> of(String name, List<String> known) {
        String wanted = normalize(name);
        int allowed = Math.max(1, Math.min(3, wanted.length() / 4));
        return known.stream()
                .filter(k -> distance(wanted, normalize(k)) <= allowed)
                .min(Comparator.comparingInt(k -> distance(wanted, normalize(k))));
    }

    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /**
     * Edit distance counting an insertion, deletion, substitution or swap of two neighbouring
     * characters as one edit (optimal string alignment), so {@code grcp} is one edit from {@code grpc}.
     */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                d[i][j] = editsEndingAt(d, a, b, i, j);
            }
        }
        return d[a.length()][b.length()];
    }

    private static int editsEndingAt(int[][] d, String a, String b, int i, int j) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int edits = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        boolean swapped = i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1);
        return swapped ? Math.min(edits, d[i - 2][j - 2] + 1) : edits;
    }
}
