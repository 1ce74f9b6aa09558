package dev.lunar.telemetry.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The char loops that replaced the per-tag regexes give the regexes' answers ({@link LegacyDatadogMapping}): tag
 * normalisation (code points, not chars, are replaced; the cut at 200) and the credential-name check (ASCII-only
 * case folding; {@code .} not matching line terminators).
 */
class TagNormalisationPropertyTest {

    private static final Pattern TAG_ILLEGAL = Pattern.compile("[^a-z0-9_:./-]");

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> pieces = Arbitraries.of(RandomRecords.PIECES).list().ofMaxSize(40)
                .map(l -> String.join("", l));
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(60);
        Arbitrary<String> legal = Arbitraries.strings().withChars("abcxyz0189_:./-").ofMinLength(150).ofMaxLength(260);
        Arbitrary<String> mixed = Arbitraries.strings().withCharRange('\u0000', '\u00ff').withChars("😀\ud800\udfff")
                .ofMaxLength(250);
        return Arbitraries.oneOf(pieces, any, legal, mixed);
    }

    @Property(tries = 3000)
    void aTagIsNormalisedAsTheRegexDid(@ForAll("texts") String key, @ForAll("texts") String value) {
        assertThat(TagRules.tag(key, value)).isEqualTo(LegacyDatadogMapping.tag(key, value));
    }

    @Property(tries = 3000)
    void normalisingAnyTextReplacesWhatTheRegexReplaced(@ForAll("texts") String text) {
        String regex = TAG_ILLEGAL.matcher(text).replaceAll("_");
        assertThat(TagRules.normaliseTag(text))
                .isEqualTo(regex.length() > 200 ? regex.substring(0, 200) : regex);
    }

    @Property(tries = 5000)
    void aNameIsCredentialLikeExactlyWhenTheRegexSaidSo(@ForAll("texts") String name) {
        assertThat(TagRules.isCredentialName(name)).isEqualTo(LegacyDatadogMapping.isCredentialName(name));
    }

    @Example
    void knownNames() {
        for (String name : List.of("api_key", "API-KEY", "x.Api.Key", "apikey", "MY_TOKEN", "client_secret", "PASSWORD",
                "db_pwd", "credentials", "Authorization", "Set-Cookie", "session_id", "private_key", "privateKey",
                "PRIVATE.KEY", "team", "region", "api", "key", "api__key", "private__key", "tok", "apiKEy", "",
                "line\ntoken", "token\u2028", "K\u212aey")) {
            assertThat(TagRules.isCredentialName(name)).as(name)
                    .isEqualTo(LegacyDatadogMapping.isCredentialName(name));
        }
        assertThat(TagRules.isCredentialName(null)).isFalse();
    }
}
