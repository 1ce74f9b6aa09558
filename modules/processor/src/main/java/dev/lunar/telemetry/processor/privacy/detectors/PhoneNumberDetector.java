package dev.lunar.telemetry.processor.privacy.detectors;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Phone numbers, validated by Google's libphonenumber against its per-region numbering plans. The library only sees
 * bounded candidates (at most {@value #MAX_CANDIDATE_CHARS} characters) found by this class's own linear scan, and
 * only their digits: this class splits off country code or trunk prefix itself and asks
 * {@code isValidNumber}/{@code isValidNumberForRegion} — never {@code findNumbers} or {@code parse}, whose regular
 * expressions would run over the text.
 *
 * <p>A candidate is a run of digit groups joined by short separators (space, {@code -}, {@code .}, {@code /},
 * parentheses) that stands alone: it starts after the text's start, white space or one of {@code = " ' ( [ { < > , ;}
 * ({@code :} only before a {@code +}, as in {@code tel:+1…}; {@code ,} not after a digit, as in {@code 11,013}) and
 * nothing alphanumeric, nor a separator leading to more digits, follows it. Within a longer run the longest valid
 * window starting at a token (after a space) is reported. Accepted:
 * <ul>
 *   <li>international: {@code +} and 7–15 digits, grouped or compact ({@code +44 20 7946 0958}, {@code +14155550132},
 *       {@code +1 (415) 555-0132}, {@code +44 (0) 20 7946 0958}); or an international call prefix {@code 00} /
 *       {@code 011} with separators ({@code 0044 20 7946 0958}); possible for the country code it names
 *       with {@code +} (its length fits that country's plan: fail closed), valid for it after {@code 00}/{@code 011};</li>
 *   <li>national, always with at least one separator, 7–12 digits, valid for one of the configured regions
 *       (default {@link #DEFAULT_REGIONS}): written with the region's trunk prefix glued to the area code
 *       ({@code 020 7946 0958}, {@code 03-1234567}, {@code 01 23 45 67 89}, {@code 011 2345 6789}); for North
 *       American regions area code, exchange and a 4-digit line number, optionally after {@code 1}, with at least one
 *       separator other than a space ({@code (415) 555-0132}, {@code 415.555.0132}, {@code 1-800-555-0199}); without
 *       trunk prefix only 10-digit mobile numbers of {@link #MOBILES_WITHOUT_TRUNK_PREFIX} ({@code 98765 43210}).</li>
 * </ul>
 *
 * <p>Rejected by shape before asking the library, to keep false positives out of telemetry text: digit-only runs
 * without {@code +} (counts, ids, epoch times), dates anywhere in the window ({@code 2026-12-02}, {@code 02.12.2026},
 * {@code 12/02/2026}), dotted quads (IP addresses), thousands-grouped numbers ({@code 12 345 678}), {@code .} or
 * {@code /} mixed with other separators (decimals in lists), single-digit groups after the second group without
 * {@code +}, a trunk prefix followed by another 0, and North American numbers separated by spaces only
 * ({@code 512 256 1024} is more often three sizes than a phone number).
 *
 * <p>Known limits (not detected): national numbers without separators ({@code 4155550132}); North American numbers
 * with spaces only and no {@code +1}; national formats of regions outside the configured list, and of regions whose
 * national prefix needs rewriting rules (Argentina, Mexico, Brazil: recognised in international format only); mobile
 * numbers written without trunk prefix outside India; vanity numbers ({@code 1-800-FLOWERS}); extensions (the number
 * is reported, {@code ext. 12} is not); numbers longer than {@value #MAX_CANDIDATE_CHARS} characters as written.
 *
 * <p>Linear time: one pass over digit groups; from each token at most {@value #MAX_CANDIDATE_CHARS} characters are
 * examined and each bounded window is validated at most once per configured region.
 */
final class PhoneNumberDetector implements TextDetector {

    static final String NAME = "phone-number";

    /** Regions whose national formats are recognised without {@code +}: where this pipeline's tenants mostly are. */
    static final List<String> DEFAULT_REGIONS = List.of("US", "GB", "DE", "FR", "IL", "IN");

    static final int MAX_CANDIDATE_CHARS = 25;
    private static final int MIN_NATIONAL_DIGITS = 7;
    private static final int MAX_NATIONAL_DIGITS = 12;
    private static final int MIN_INTERNATIONAL_DIGITS = 7;
    private static final int MAX_INTERNATIONAL_DIGITS = 15;

    /** Regions whose mobile numbers are customarily written without the trunk prefix ({@code 98765 43210}). */
    static final Set<String> MOBILES_WITHOUT_TRUNK_PREFIX = Set.of("IN");
    private static final String UNKNOWN_REGION = "ZZ";

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final List<String> regions;
    // Per configured region, looked up once: trunk prefix, country code, how national numbers are written.
    private final String[] trunkPrefixes;
    private final int[] countryCodes;
    private final boolean[] northAmerican;
    private final boolean[] writtenWithoutTrunkPrefix;

    PhoneNumberDetector() {
        this(DEFAULT_REGIONS);
    }

    /**
     * @param regions ISO 3166 region codes whose national formats are recognised, tried in this order
     * @throws IllegalArgumentException naming an unknown region and where to find the supported ones
     */
    PhoneNumberDetector(List<String> regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("phone-number regions: the list is empty; give at least one ISO 3166 "
                    + "region code such as US, or use the default " + DEFAULT_REGIONS);
        }
        this.regions = regions.stream().map(r -> r.toUpperCase(Locale.ROOT)).toList();
        this.trunkPrefixes = new String[this.regions.size()];
        this.northAmerican = new boolean[this.regions.size()];
        this.countryCodes = new int[this.regions.size()];
        this.writtenWithoutTrunkPrefix = new boolean[this.regions.size()];
        for (int r = 0; r < this.regions.size(); r++) {
            String region = this.regions.get(r);
            if (!util.getSupportedRegions().contains(region)) {
                throw new IllegalArgumentException("phone-number regions: '" + region + "' is not a region "
                        + "libphonenumber knows; use ISO 3166 alpha-2 codes such as US, GB, DE");
            }
            trunkPrefixes[r] = util.getNddPrefixForRegion(region, true);
            countryCodes[r] = util.getCountryCodeForRegion(region);
            northAmerican[r] = countryCodes[r] == 1;
            writtenWithoutTrunkPrefix[r] = MOBILES_WITHOUT_TRUNK_PREFIX.contains(region);
        }
    }

    List<String> regions() {
        return regions;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int minDigits() {
        return 7; // MIN_NATIONAL_DIGITS and MIN_INTERNATIONAL_DIGITS
    }

    @Override
    public void find(String text, SpanSink out) {
        Chain chain = null;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!TokenEdges.isAsciiDigit(text.charAt(i)) || (i > 0 && TokenEdges.isAsciiDigit(text.charAt(i - 1)))) {
                i++;
                continue;
            }
            chain = chain == null ? new Chain() : chain; // at the first digit: most texts have none
            chain.read(text, i);
            scanChain(text, chain, out);
            i = chain.groupEnd[chain.count - 1];
        }
    }

    private void scanChain(String text, Chain chain, SpanSink out) {
        int s = 0;
        while (s < chain.count) {
            int best = bestWindowEnd(text, chain, s);
            if (best >= 0) {
                out.span(chain.windowStart(text, s), chain.groupEnd[best]);
                s = best + 1;
            } else {
                s++;
            }
        }
    }

    /** The last group of the longest window starting at group {@code s} that holds a valid number, or -1. */
    private int bestWindowEnd(String text, Chain chain, int s) {
        int start = chain.windowStart(text, s);
        if (s == 0 ? !cleanPhoneStart(text, start) : !chain.tokenStartsAt(text, s) || chain.gluedToWord(text)) {
            return -1;
        }
        // Extend as far as any window could be valid: within the character bound, at most 18 digits (IDD 011 and 15),
        // and without + no single-digit group after the second (a run of lone digits is a list, not a number).
        boolean plus = text.charAt(start) == '+';
        int lastEnd = s;
        int digits = 0;
        for (int e = s; e < chain.count && chain.groupEnd[e] - start <= MAX_CANDIDATE_CHARS; e++) {
            int length = chain.groupEnd[e] - chain.groupStart[e];
            digits += length;
            if ((!plus && e - s >= 2 && length == 1) || digits > MAX_INTERNATIONAL_DIGITS + 3) {
                break;
            }
            lastEnd = e;
        }
        for (int e = lastEnd; e >= s; e--) {
            boolean endsClean = e == chain.count - 1
                    ? cleanPhoneEnd(text, chain.groupEnd[e]) : text.charAt(chain.groupEnd[e]) == ' ';
            if (endsClean && isPhoneNumber(text, chain, s, e, start)) {
                return e;
            }
        }
        return -1;
    }

    private boolean isPhoneNumber(String text, Chain chain, int s, int e, int start) {
        int groups = e - s + 1;
        int count = chain.digitCount(s, e);
        boolean plus = text.charAt(start) == '+';
        if (count < MIN_NATIONAL_DIGITS || count > MAX_INTERNATIONAL_DIGITS + 3 || (!plus && groups < 2)
                || !chain.parenthesesBalanced(text, e, start)) {
            return false;
        }
        String digits = chain.digits(text, s, e);
        if (plus) {
            return digits.length() >= MIN_INTERNATIONAL_DIGITS && digits.length() <= MAX_INTERNATIONAL_DIGITS
                    && validInternational(digits, true);
        }
        if (groups < 2 || !plausiblyGrouped(text, chain, s, e)) {
            return false;
        }
        if (digits.startsWith("00") || digits.startsWith("011")) {
            String afterPrefix = digits.substring(digits.startsWith("011") ? 3 : 2);
            if (afterPrefix.length() >= MIN_INTERNATIONAL_DIGITS && afterPrefix.length() <= MAX_INTERNATIONAL_DIGITS
                    && validInternational(afterPrefix, false)) {
                return true;
            }
            // else perhaps a national number that starts so, as Delhi's 011 2345 6789
        }
        if (digits.length() < MIN_NATIONAL_DIGITS || digits.length() > MAX_NATIONAL_DIGITS) {
            return false;
        }
        int firstGroup = chain.groupEnd[s] - chain.groupStart[s];
        boolean northAmericanShape = chain.groupEnd[e] - chain.groupStart[e] == 4 && groups <= 4
                && chain.hasNonSpaceSeparator(text, s, e, start);
        for (int r = 0; r < regions.size(); r++) {
            String trunk = trunkPrefixes[r];
            if (northAmerican[r]) {
                // (415) 555-0132, 415-555-0132, 1-415-555-0132: area code, exchange, 4-digit line number.
                String national = digits.length() == 11 && digits.charAt(0) == '1' ? digits.substring(1) : digits;
                if (national.length() == 10 && northAmericanShape && validForRegion(national, r, false)) {
                    return true;
                }
            } else if (trunk != null && !trunk.isEmpty() && digits.startsWith(trunk)) {
                // The trunk prefix belongs to the area code as written ("020", "03-"), never a group of its own.
                // After the trunk prefix comes the area code, never another 0 ("00 00 00 …" is no number).
                if (firstGroup > trunk.length() && groups <= 5 && digits.charAt(trunk.length()) != '0'
                        && validForRegion(digits.substring(trunk.length()), r, false)) {
                    return true;
                }
            } else if (writtenWithoutTrunkPrefix[r] && digits.length() == 10 && groups <= 3
                    && validForRegion(digits, r, true)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Digits after {@code +} or an international call prefix: country code (country codes are prefix-free, so the
     * first of 1–3 leading digits that names one is it), then the national significant number — or, as in
     * {@code +44 (0) 20 …}, the trunk prefix 0 and then the number.
     */
    private boolean validInternational(String digits, boolean explicitPlus) {
        for (int length = 1; length <= 3 && length < digits.length(); length++) {
            int countryCode = Integer.parseInt(digits, 0, length, 10);
            if (!UNKNOWN_REGION.equals(util.getRegionCodeForCountryCode(countryCode))) {
                String national = digits.substring(length);
                if (international(number(countryCode, national), explicitPlus)) {
                    return true;
                }
                return national.length() > 1 && national.charAt(0) == '0'
                        && international(number(countryCode, national.substring(1)), explicitPlus);
            }
        }
        return false;
    }

    /**
     * A {@code +} and a country code are strong evidence on their own: such a number is taken when its length is
     * possible for that country, even if the library's numbering plan does not (yet) list its block — new mobile
     * ranges reach the metadata late, and a missed phone number leaks (fail closed). After {@code 00}/{@code 011},
     * weaker evidence, the number must be valid.
     */
    private boolean international(PhoneNumber number, boolean explicitPlus) {
        return explicitPlus ? number != null && util.isPossibleNumber(number) : valid(number, null, false);
    }

    private boolean validForRegion(String nationalNumber, int r, boolean mobileOnly) {
        return valid(number(countryCodes[r], nationalNumber), regions.get(r), mobileOnly);
    }

    /** Cheap length check first (possible lengths, no pattern), then the library's full validation. */
    private boolean valid(PhoneNumber number, String region, boolean mobileOnly) {
        if (number == null || !util.isPossibleNumber(number)) {
            return false;
        }
        if (region == null ? !util.isValidNumber(number) : !util.isValidNumberForRegion(number, region)) {
            return false;
        }
        if (!mobileOnly) {
            return true;
        }
        PhoneNumberType type = util.getNumberType(number);
        return type == PhoneNumberType.MOBILE || type == PhoneNumberType.FIXED_LINE_OR_MOBILE;
    }

    /** The number as libphonenumber stores it: leading zeros of the national number are kept as a count. */
    private static PhoneNumber number(int countryCode, String national) {
        if (national.isEmpty() || national.length() > 17) {
            return null;
        }
        PhoneNumber number = new PhoneNumber().setCountryCode(countryCode)
                .setNationalNumber(Long.parseLong(national));
        int zeros = 0;
        while (zeros < national.length() - 1 && national.charAt(zeros) == '0') {
            zeros++;
        }
        if (zeros > 0) {
            number.setItalianLeadingZero(true).setNumberOfLeadingZeros(zeros);
        }
        return number;
    }

    /** Shape rules that reject dates, dotted quads, thousands groups, decimals and lone digits before parsing. */
    private static boolean plausiblyGrouped(String text, Chain chain, int s, int e) {
        int groups = e - s + 1;
        int[] lengths = new int[groups];
        for (int g = 0; g < groups; g++) {
            lengths[g] = chain.groupEnd[s + g] - chain.groupStart[s + g];
        }
        boolean dots = false;
        boolean slashes = false;
        boolean dashes = false;
        boolean spaces = false;
        for (int g = s + 1; g <= e; g++) {
            for (int p = chain.groupEnd[g - 1]; p < chain.groupStart[g]; p++) {
                char c = text.charAt(p);
                dots |= c == '.';
                slashes |= c == '/';
                dashes |= c == '-';
                spaces |= c == ' ';
            }
        }
        int kinds = (dots ? 1 : 0) + (slashes ? 1 : 0) + (dashes ? 1 : 0) + (spaces ? 1 : 0);
        if ((dots || slashes) && kinds > 1) {
            return false;
        }
        for (int g = 0; g + 2 < groups; g++) {
            boolean yearFirst = lengths[g] == 4 && lengths[g + 1] <= 2 && lengths[g + 2] <= 2;
            boolean yearLast = lengths[g] <= 2 && lengths[g + 1] <= 2 && lengths[g + 2] == 4;
            if ((yearFirst || yearLast) && (groups == 3 || chain.sameSingleGap(text, s + g + 1, s + g + 2))) {
                return false; // 2026-12-02, 02.12.2026, 12/02/2026, also inside "013 2026-12-02"
            }
        }
        if (groups == 4 && dots && Arrays.stream(lengths).allMatch(l -> l <= 3)) {
            return false; // 192.168.10.20
        }
        if (groups >= 3 && lengths[0] <= 3 && Arrays.stream(lengths, 1, groups).allMatch(l -> l == 3)) {
            return false; // 12 345 678
        }
        return true;
    }

    private static boolean cleanPhoneStart(String text, int start) {
        if (start == 0) {
            return true;
        }
        char before = text.charAt(start - 1);
        if (Character.isWhitespace(before)) {
            return true;
        }
        if (before == ':') {
            return text.charAt(start) == '+';
        }
        if (before == ',' && start >= 2 && TokenEdges.isAsciiDigit(text.charAt(start - 2))) {
            return false; // 17:26:11,013: the milliseconds of a log timestamp
        }
        return "=\"'([{<>,;".indexOf(before) >= 0;
    }

    private static boolean cleanPhoneEnd(String text, int end) {
        if (end >= text.length()) {
            return true;
        }
        char after = text.charAt(end);
        if (TokenEdges.isWordChar(after)) {
            return false;
        }
        boolean joins = ".-:/,".indexOf(after) >= 0;
        return !(joins && end + 1 < text.length() && TokenEdges.isAsciiDigit(text.charAt(end + 1)));
    }

    /**
     * Digit groups joined by gaps of at most three separator characters: optional {@code )}, optional space,
     * optional one of {@code - . /}, optional space, optional {@code (} — as in {@code (415) 555-0132}.
     */
    private static final class Chain {
        int[] groupStart = new int[16];
        int[] groupEnd = new int[16];
        /** Where the chain's first group's prefix ({@code +} or {@code (}) starts, else its first digit. */
        int chainStart;
        int count;

        void read(String text, int firstDigit) {
            count = 0;
            chainStart = firstDigit;
            if (firstDigit > 0 && (text.charAt(firstDigit - 1) == '+' || text.charAt(firstDigit - 1) == '(')) {
                chainStart = firstDigit - 1;
                if (chainStart > 0 && text.charAt(chainStart) == '(' && text.charAt(chainStart - 1) == '+') {
                    chainStart--;
                }
            }
            int pos = firstDigit;
            int n = text.length();
            while (true) {
                int end = pos;
                while (end < n && TokenEdges.isAsciiDigit(text.charAt(end))) {
                    end++;
                }
                add(pos, end);
                int next = gapEnd(text, end);
                if (next < 0) {
                    break;
                }
                pos = next;
            }
            if (text.charAt(chainStart) == '(' && (count == 1 || text.charAt(groupEnd[0]) != ')')) {
                chainStart = firstDigit; // "(020 7946 0958)": the parenthesis encloses the number, not an area code
            }
        }

        private void add(int start, int end) {
            if (count == groupStart.length) {
                groupStart = Arrays.copyOf(groupStart, count * 2);
                groupEnd = Arrays.copyOf(groupEnd, count * 2);
            }
            groupStart[count] = start;
            groupEnd[count] = end;
            count++;
        }

        /** Where the next group starts if a valid gap follows {@code at}, else -1. */
        private static int gapEnd(String text, int at) {
            int n = text.length();
            int p = at;
            if (p < n && text.charAt(p) == ')') {
                p++;
            }
            if (p < n && text.charAt(p) == ' ') {
                p++;
            }
            if (p < n && (text.charAt(p) == '-' || text.charAt(p) == '.' || text.charAt(p) == '/')) {
                p++;
                if (p < n && text.charAt(p) == ' ') {
                    p++;
                }
            }
            if (p < n && text.charAt(p) == '(') {
                p++;
            }
            boolean gap = p > at && p - at <= 4;
            return gap && p < n && TokenEdges.isAsciiDigit(text.charAt(p)) ? p : -1;
        }

        /** Where a window from group {@code s} starts: with the chain's prefix, or with a {@code (} opening it. */
        int windowStart(String text, int s) {
            if (s == 0) {
                return chainStart;
            }
            return text.charAt(groupStart[s] - 1) == '(' ? groupStart[s] - 1 : groupStart[s];
        }

        /** A chain glued to a word ({@code DE89 3704 …}, {@code v2 10 20}) is part of an identifier throughout. */
        boolean gluedToWord(String text) {
            return chainStart > 0 && TokenEdges.isWordChar(text.charAt(chainStart - 1));
        }

        /** A window may start inside a chain only at a new token: the gap before group {@code s} has a space. */
        boolean tokenStartsAt(String text, int s) {
            for (int p = groupEnd[s - 1]; p < groupStart[s]; p++) {
                if (text.charAt(p) == ' ') {
                    return true;
                }
            }
            return false;
        }

        String digits(String text, int s, int e) {
            StringBuilder digits = new StringBuilder(MAX_CANDIDATE_CHARS);
            for (int g = s; g <= e; g++) {
                digits.append(text, groupStart[g], groupEnd[g]);
            }
            return digits.toString();
        }

        /** True when the gaps before groups {@code a} and {@code b} are the same single - . or / character. */
        boolean sameSingleGap(String text, int a, int b) {
            if (groupStart[a] - groupEnd[a - 1] != 1 || groupStart[b] - groupEnd[b - 1] != 1) {
                return false;
            }
            char gap = text.charAt(groupEnd[a - 1]);
            return gap == text.charAt(groupEnd[b - 1]) && (gap == '-' || gap == '.' || gap == '/');
        }

        int digitCount(int s, int e) {
            int count = 0;
            for (int g = s; g <= e; g++) {
                count += groupEnd[g] - groupStart[g];
            }
            return count;
        }

        boolean parenthesesBalanced(String text, int e, int start) {
            int open = 0;
            for (int p = start; p < groupEnd[e]; p++) {
                char c = text.charAt(p);
                if (c == '(') {
                    open++;
                    if (open > 1) {
                        return false;
                    }
                } else if (c == ')') {
                    open--;
                    if (open < 0) {
                        return false;
                    }
                }
            }
            return open == 0;
        }

        boolean hasNonSpaceSeparator(String text, int s, int e, int start) {
            for (int p = start; p < groupEnd[e]; p++) {
                char c = text.charAt(p);
                if (!TokenEdges.isAsciiDigit(c) && c != ' ') {
                    return true;
                }
            }
            return false;
        }
    }
}
