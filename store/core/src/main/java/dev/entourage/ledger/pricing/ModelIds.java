package dev.entourage.ledger.pricing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How model ids are compared: normalised first, then matched to rows by rules that know versions.
 *
 * <p>Normalisation lower-cases the id and removes what names a route rather than a model: a path of provider
 * prefixes ({@code anthropic/}, {@code openai/}, {@code bedrock/us-gov-west-1/}, {@code models/}: everything up to
 * the last {@code /}), Bedrock's region and vendor prefixes ({@code us.}, {@code eu.}, {@code apac.},
 * {@code global.}, then {@code anthropic.}) and version suffix ({@code -v1:0}), a Vertex {@code @20250929} snapshot
 * and a bracketed flag such as Claude Code's {@code [1m]}.
 *
 * <p>A family row {@code F} matches {@code F} itself and {@code F} followed by snapshot segments only: a date
 * ({@code -20250514}, {@code -2025-08-07}, {@code -05-20}), {@code -latest}, {@code -preview}, {@code -exp} or a
 * three-digit revision ({@code -001}). A version or variant never counts as a snapshot, so {@code claude-opus-4}
 * does not match {@code claude-opus-4-7}, {@code gpt-5} neither {@code gpt-5-pro} nor {@code gpt-5.2}, and
 * {@code o3} not {@code o3-pro}.
 */
public final class ModelIds {
    private static final Pattern BRACKETS = Pattern.compile("\\[[^\\]]*\\]$");
    private static final Pattern VERTEX_SNAPSHOT = Pattern.compile("@[a-z0-9._-]*$");
    private static final Pattern BEDROCK_REGION = Pattern.compile("^(us|eu|apac|global|jp|au|ca|us-gov)\\.");
    private static final Pattern BEDROCK_VENDOR = Pattern.compile("^(anthropic|openai|deepseek|google)\\.");
    private static final Pattern BEDROCK_VERSION = Pattern.compile("-v\\d+:\\d+$");
    private static final Pattern SNAPSHOTS = Pattern.compile(
            "(-(\\d{8}|\\d{4}-\\d{2}-\\d{2}|\\d{2}-\\d{2}|\\d{3}|latest|preview|exp))+");
    private static final Pattern TRAILING_SNAPSHOTS = Pattern.compile(SNAPSHOTS.pattern() + "$");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)*");
    private static final Pattern LETTER_NUMBER = Pattern.compile("([a-z])\\d+(\\.\\d+)*");
    private static final Pattern NUMBER_LETTER = Pattern.compile("\\d+(\\.\\d+)*([a-z])");

    private ModelIds() {
    }

    /**
     * A model id as an agent sent it, and the id it is matched under.
     *
     * @param original   the id as sent
     * @param normalised the id matched against the table
     * @param steps      what normalisation removed, in order, for people reading an explanation
     */
    public record Normalised(String original, String normalised, List<String> steps) {
        public Normalised {
            steps = List.copyOf(steps);
        }
    }

    /** Normalises {@code model} (see the class comment); a null or blank id normalises to an empty one. */
    public static Normalised normalise(String model) {
        String original = model == null ? "" : model;
        String id = original.strip().toLowerCase(Locale.ROOT);
        List<String> steps = new ArrayList<>();
        id = remove(id, BRACKETS, "flag", steps);
        id = remove(id, VERTEX_SNAPSHOT, "Vertex snapshot", steps);
        int slash = id.lastIndexOf('/');
        if (slash >= 0) {
            steps.add("provider path '" + id.substring(0, slash + 1) + "' removed");
            id = id.substring(slash + 1);
        }
        id = remove(id, BEDROCK_REGION, "Bedrock region prefix", steps);
        id = remove(id, BEDROCK_VENDOR, "vendor prefix", steps);
        id = remove(id, BEDROCK_VERSION, "Bedrock version suffix", steps);
        return new Normalised(original, id, steps);
    }

    /** Whether family id {@code family} matches {@code normalised}: equal, or followed by snapshot segments only. */
    public static boolean familyMatches(String family, String normalised) {
        if (!normalised.startsWith(family)) {
            return false;
        }
        String rest = normalised.substring(family.length());
        return rest.isEmpty() || SNAPSHOTS.matcher(rest).matches();
    }

    /**
     * The family an id belongs to for estimating an unknown model: snapshot segments dropped, version numbers
     * removed, variant words kept. {@code claude-opus-6-1} and {@code claude-opus-4-5} are {@code claude-opus};
     * {@code gpt-7-pro} and {@code gpt-5.4-pro} are {@code gpt-pro}; {@code o5-mini} is {@code o-mini}.
     */
    public static String familyKey(String normalised) {
        String id = TRAILING_SNAPSHOTS.matcher(normalised).replaceAll("");
        List<String> kept = new ArrayList<>();
        for (String token : id.split("-")) {
            Matcher letterNumber = LETTER_NUMBER.matcher(token);
            Matcher numberLetter = NUMBER_LETTER.matcher(token);
            if (token.isEmpty() || NUMBER.matcher(token).matches()) {
                continue;
            } else if (letterNumber.matches()) {
                kept.add(letterNumber.group(1));
            } else if (numberLetter.matches()) {
                kept.add(numberLetter.group(2));
            } else {
                kept.add(token);
            }
        }
        return String.join("-", kept);
    }

    private static String remove(String id, Pattern pattern, String what, List<String> steps) {
        Matcher m = pattern.matcher(id);
        if (!m.find()) {
            return id;
        }
        steps.add(what + " '" + m.group() + "' removed");
        return id.substring(0, m.start()) + id.substring(m.end());
    }
}
