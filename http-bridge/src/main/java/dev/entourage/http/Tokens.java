package dev.entourage.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Access tokens for people: HS256 JWTs signed with the store's secret, valid {@link #LIFETIME}. Verification
 * pins the algorithm (anything else, {@code none} included, is refused) and requires {@code exp}, {@code iat},
 * {@code sub} and the audience {@value #AUDIENCE}; the claims {@code role} and {@code team_id} make the
 * principal. A token never carries an agent: agents use API keys.
 */
final class Tokens {
    static final String AUDIENCE = "entourage";
    static final String ISSUER = "entourage";
    static final Duration LIFETIME = Duration.ofMinutes(15);

    private final AccessService access;
    private final Clock clock;
    private volatile byte[] secret;

    Tokens(AccessService access, Clock clock) {
        this.access = access;
        this.clock = clock;
    }

    /** A signed token for {@code principal}, a person (admin or viewer). */
    String issue(Principal principal) {
        if (principal.role() == Role.AGENT) {
            throw new IllegalArgumentException("tokens are for people, not agents");
        }
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(principal.subject())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("role", principal.role().wireName())
                .claim("team_id", principal.teamId())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims);
        try {
            jwt.sign(new MACSigner(secret()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return jwt.serialize();
    }

    /** The principal of a valid token; empty for anything malformed, forged, expired or not for us. */
    Optional<Principal> verify(String token) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                new ImmutableSecret<>(secret())));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(AUDIENCE,
                new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("exp", "iat", "sub", "aud", "role",
                "team_id")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        });
        try {
            JWTClaimsSet claims = processor.process(token, null);
            String role = claims.getStringClaim("role");
            Long teamId = claims.getLongClaim("team_id");
            String subject = claims.getSubject();
            if (role == null || teamId == null || subject == null || subject.isBlank()) {
                return Optional.empty();
            }
            if (role.equals(Role.ADMIN.wireName())) {
                return Optional.of(new Principal(Role.ADMIN, teamId, null, subject));
            }
            if (role.equals(Role.VIEWER.wireName())) {
                return Optional.of(new Principal(Role.VIEWER, teamId, null, subject));
            }
            return Optional.empty();
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return Optional.empty();
        }
    }

    private byte[] secret() {
        byte[] s = secret;
        if (s == null) {
            s = access.tokenSecret().clone();
            secret = s;
        }
        return s;
    }
}
