package dev.entourage.cli.install;

import java.util.List;
import java.util.regex.Pattern;

/** POSIX shell quoting, for the command lines written into the agents' hook settings. */
final class Shell {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private Shell() {
    }

    /** The words as one command line a POSIX shell splits back into exactly these words. */
    static String join(List<String> words) {
        StringBuilder out = new StringBuilder();
        for (String word : words) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'");
        }
        return out.toString();
    }
}
