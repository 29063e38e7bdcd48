package dev.entourage.cli.install;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts ({@code diff -u} layout, three lines of context), for {@code --dry-run}. The common
 * head and tail are set aside first, so a change in a large file costs only its own lines.
 */
final class UnifiedDiff {
    private static final int CONTEXT = 3;
    private static final long MAX_CELLS = 4_000_000L;

    private UnifiedDiff() {
    }

    /** The diff from {@code before} (null: no file) to {@code after} (null: removed), or "" when they are equal. */
    static String of(String label, String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        if (a.equals(b)) {
            return "";
        }
        List<String> ops = edits(a, b);
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(before == null ? "/dev/null" : label).append('\n');
        out.append("+++ ").append(after == null ? "/dev/null" : label).append('\n');
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).charAt(0) == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            int quiet = 0;
            for (int j = i; j < ops.size() && quiet <= 2 * CONTEXT; j++) {
                if (ops.get(j).charAt(0) == ' ') {
                    quiet++;
                } else {
                    quiet = 0;
                    end = j;
                }
            }
            end = Math.min(ops.size() - 1, end + CONTEXT);
            hunk(ops, start, end, out);
            i = end + 1;
        }
        return out.toString();
    }

    private static void hunk(List<String> ops, int start, int end, StringBuilder out) {
        int oldStart = 1;
        int newStart = 1;
        for (int k = 0; k < start; k++) {
            char c = ops.get(k).charAt(0);
            oldStart += c != '+' ? 1 : 0;
            newStart += c != '-' ? 1 : 0;
        }
        int oldCount = 0;
        int newCount = 0;
        for (int k = start; k <= end; k++) {
            char c = ops.get(k).charAt(0);
            oldCount += c != '+' ? 1 : 0;
            newCount += c != '-' ? 1 : 0;
        }
        out.append("@@ -").append(oldCount == 0 ? oldStart - 1 : oldStart).append(',').append(oldCount)
                .append(" +").append(newCount == 0 ? newStart - 1 : newStart).append(',').append(newCount)
                .append(" @@\n");
        for (int k = start; k <= end; k++) {
            out.append(ops.get(k)).append('\n');
        }
    }

    /** Each line of the result prefixed with ' ' (kept), '-' (removed) or '+' (added), in order. */
    private static List<String> edits(List<String> a, List<String> b) {
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
            tail++;
        }
        List<String> ops = new ArrayList<>();
        a.subList(0, head).forEach(line -> ops.add(" " + line));
        middle(a.subList(head, a.size() - tail), b.subList(head, b.size() - tail), ops);
        a.subList(a.size() - tail, a.size()).forEach(line -> ops.add(" " + line));
        return ops;
    }

    private static void middle(List<String> a, List<String> b, List<String> ops) {
        int n = a.size();
        int m = b.size();
        if ((long) (n + 1) * (m + 1) > MAX_CELLS) {
            a.forEach(line -> ops.add("-" + line));
            b.forEach(line -> ops.add("+" + line));
            return;
        }
        int[][] common = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(" " + a.get(i++));
                j++;
            } else if (j < m && (i == n || common[i][j + 1] >= common[i + 1][j])) {
                ops.add("+" + b.get(j++));
            } else {
                ops.add("-" + a.get(i++));
            }
        }
    }

    private static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : text.lines().toList();
    }
}
