package mskctl.harness;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerExtensionsValidatorCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only OAUTHBEARER server callback handler that validates MSK IAM tokens the way MSK documents them:
 * the token is the base64url of a SigV4-presigned URL for https://kafka.REGION.amazonaws.com/ with
 * Action=kafka-cluster:Connect, signed for the service kafka-cluster in the expected region, inside its
 * X-Amz-Date + X-Amz-Expires window, with a signature that matches the secret of a known access key (and
 * its session token, when the key is temporary). The principal is the identity configured for the key.
 *
 * Configured through the listener's JAAS options: credentialsFile (tab-separated lines: access key id,
 * secret, principal, optional session token) and region. Every rejection reads like MSK's,
 * "[uuid]: Access denied"; the reason goes to the broker log only.
 */
public class MskIamValidatorCallbackHandler implements AuthenticateCallbackHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MskIamValidatorCallbackHandler.class);
    private static final String SERVICE = "kafka-cluster";
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final String EMPTY_PAYLOAD_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final DateTimeFormatter AMZ_DATE =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern HOST = Pattern.compile("^kafka\\.([a-z0-9-]+)\\.amazonaws\\.com$");
    /** tolerated difference between the signer's clock and ours for "not yet valid" */
    private static final long CLOCK_TOLERANCE_SECONDS = 1;

    private static final class Identity {
        final String secret;
        final String principal;
        final String sessionToken;

        Identity(String secret, String principal, String sessionToken) {
            this.secret = secret;
            this.principal = principal;
            this.sessionToken = sessionToken;
        }
    }

    /** A validation failure: the message is logged on the broker, the client only sees "Access denied". */
    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason);
        }
    }

    private final Map<String, Identity> identities = new HashMap<>();
    private String region;

    @Override
    public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        if (!"OAUTHBEARER".equals(saslMechanism)) {
            throw new IllegalArgumentException("Unexpected SASL mechanism: " + saslMechanism);
        }
        if (jaasConfigEntries.size() != 1) {
            throw new IllegalArgumentException("Expected exactly one JAAS login module entry, got " + jaasConfigEntries.size());
        }
        Map<String, ?> options = jaasConfigEntries.get(0).getOptions();
        Object regionOption = options.get("region");
        Object fileOption = options.get("credentialsFile");
        if (regionOption == null || fileOption == null) {
            throw new IllegalArgumentException("JAAS options region and credentialsFile are required");
        }
        region = regionOption.toString();
        try {
            for (String line : Files.readAllLines(Path.of(fileOption.toString()), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] fields = line.split("\t", -1);
                if (fields.length < 3) throw new IllegalArgumentException("Malformed credentials line (expected 3 or 4 tab-separated fields)");
                String sessionToken = fields.length > 3 && !fields[3].isEmpty() ? fields[3] : null;
                identities.put(fields[0], new Identity(fields[1], fields[2], sessionToken));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read credentials file " + fileOption + ": " + e.getMessage(), e);
        }
        LOG.info("MSK IAM test validator: region {}, {} known access keys", region, identities.size());
    }

    @Override
    public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof OAuthBearerValidatorCallback) {
                OAuthBearerValidatorCallback validation = (OAuthBearerValidatorCallback) callback;
                try {
                    validation.token(validate(validation.tokenValue()));
                } catch (Rejected e) {
                    String requestId = UUID.randomUUID().toString();
                    LOG.info("[{}]: Access denied: {}", requestId, e.getMessage());
                    // thrown (not set as an error status) so that the client receives this message as is
                    throw new SaslAuthenticationException("[" + requestId + "]: Access denied");
                }
            } else if (callback instanceof OAuthBearerExtensionsValidatorCallback) {
                // MSK tokens carry no SASL extensions; any the client sends are ignored
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    private OAuthBearerToken validate(String tokenValue) throws Rejected {
        if (tokenValue == null || tokenValue.isEmpty()) throw new Rejected("empty token");
        String url;
        try {
            url = new String(Base64.getUrlDecoder().decode(tokenValue), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Rejected("token is not base64url");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new Rejected("token is not a URL");
        }
        if (!"https".equals(uri.getScheme())) throw new Rejected("scheme is not https");
        String host = uri.getHost();
        if (host == null) throw new Rejected("URL has no host");
        var hostMatch = HOST.matcher(host);
        if (!hostMatch.matches()) throw new Rejected("host " + host + " is not kafka.<region>.amazonaws.com");
        String hostRegion = hostMatch.group(1);
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !"/".equals(path)) throw new Rejected("path is not /");

        Map<String, String> query = parseQuery(uri.getRawQuery());
        require(query, "Action", "kafka-cluster:Connect");
        require(query, "X-Amz-Algorithm", ALGORITHM);
        require(query, "X-Amz-SignedHeaders", "host");
        String credential = present(query, "X-Amz-Credential");
        String amzDate = present(query, "X-Amz-Date");
        String expiresText = present(query, "X-Amz-Expires");
        String signature = present(query, "X-Amz-Signature");

        String[] scope = credential.split("/", -1);
        if (scope.length != 5) throw new Rejected("malformed X-Amz-Credential");
        String accessKeyId = scope[0];
        String scopeDate = scope[1];
        String scopeRegion = scope[2];
        if (!SERVICE.equals(scope[3]) || !"aws4_request".equals(scope[4])) throw new Rejected("credential scope service is not kafka-cluster");
        if (!scopeRegion.equals(hostRegion)) throw new Rejected("scope region " + scopeRegion + " differs from host region " + hostRegion);
        if (!scopeRegion.equals(region)) throw new Rejected("token is for region " + scopeRegion + ", this cluster is in " + region);

        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            throw new Rejected("malformed X-Amz-Date");
        }
        if (!amzDate.startsWith(scopeDate)) throw new Rejected("X-Amz-Date does not match the credential scope date");
        long expiresSeconds;
        try {
            expiresSeconds = Long.parseLong(expiresText);
        } catch (NumberFormatException e) {
            throw new Rejected("X-Amz-Expires is not a whole number: " + expiresText);
        }
        if (expiresSeconds < 1 || expiresSeconds > 900) throw new Rejected("X-Amz-Expires outside 1..900: " + expiresSeconds);
        Instant now = Instant.now();
        if (signedAt.isAfter(now.plusSeconds(CLOCK_TOLERANCE_SECONDS))) throw new Rejected("token not yet valid (signed at " + amzDate + ")");
        Instant expiresAt = signedAt.plusSeconds(expiresSeconds);
        if (!now.isBefore(expiresAt)) throw new Rejected("token expired at " + expiresAt);

        Identity identity = identities.get(accessKeyId);
        if (identity == null) throw new Rejected("unknown access key " + shorten(accessKeyId));
        String sessionToken = query.get("X-Amz-Security-Token");
        if (identity.sessionToken != null && !identity.sessionToken.equals(sessionToken)) {
            throw new Rejected("session token missing or wrong for " + shorten(accessKeyId));
        }
        if (identity.sessionToken == null && sessionToken != null) {
            throw new Rejected("session token given for long-term key " + shorten(accessKeyId));
        }

        String expected = sign(identity.secret, scopeDate, scopeRegion, amzDate, host, query);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
            throw new Rejected("signature does not match for " + shorten(accessKeyId));
        }
        return new IamToken(tokenValue, identity.principal, signedAt.toEpochMilli(), expiresAt.toEpochMilli());
    }

    private static String sign(String secret, String date, String region, String amzDate, String host, Map<String, String> query) throws Rejected {
        // canonical query: every parameter but the signature and the (unsigned) User-Agent, RFC 3986-encoded, sorted
        TreeMap<String, String> canonical = new TreeMap<>();
        for (Map.Entry<String, String> entry : query.entrySet()) {
            if (entry.getKey().equals("X-Amz-Signature") || entry.getKey().equals("User-Agent")) continue;
            canonical.put(rfc3986(entry.getKey()), rfc3986(entry.getValue()));
        }
        List<String> pairs = new ArrayList<>();
        canonical.forEach((k, v) -> pairs.add(k + "=" + v));
        String canonicalRequest = "GET\n/\n" + String.join("&", pairs) + "\nhost:" + host + "\n\nhost\n" + EMPTY_PAYLOAD_SHA256;
        String scope = date + "/" + region + "/" + SERVICE + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, SERVICE);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    private static Map<String, String> parseQuery(String rawQuery) throws Rejected {
        if (rawQuery == null || rawQuery.isEmpty()) throw new Rejected("URL has no query");
        Map<String, String> out = new HashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (out.put(key, value) != null) throw new Rejected("duplicate query parameter " + key);
        }
        return out;
    }

    private static String decode(String text) throws Rejected {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Rejected("malformed percent-encoding");
        }
    }

    private static void require(Map<String, String> query, String key, String expected) throws Rejected {
        String value = query.get(key);
        if (!expected.equals(value)) throw new Rejected(key + " is " + (value == null ? "missing" : value) + ", expected " + expected);
    }

    private static String present(Map<String, String> query, String key) throws Rejected {
        String value = query.get(key);
        if (value == null || value.isEmpty()) throw new Rejected(key + " is missing");
        return value;
    }

    private static String rfc3986(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String shorten(String accessKeyId) {
        return accessKeyId.length() > 8 ? accessKeyId.substring(0, 4) + "…" + accessKeyId.substring(accessKeyId.length() - 4) : "****";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) out.append(String.format("%02x", b & 0xff));
        return out.toString();
    }

    @Override
    public void close() {
    }

    private static final class IamToken implements OAuthBearerToken {
        private final String value;
        private final String principal;
        private final long startMs;
        private final long lifetimeMs;

        IamToken(String value, String principal, long startMs, long lifetimeMs) {
            this.value = value;
            this.principal = principal;
            this.startMs = startMs;
            this.lifetimeMs = lifetimeMs;
        }

        @Override
        public String value() {
            return value;
        }

        @Override
        public Set<String> scope() {
            return Collections.emptySet();
        }

        @Override
        public long lifetimeMs() {
            return lifetimeMs;
        }

        @Override
        public String principalName() {
            return principal;
        }

        @Override
        public Long startTimeMs() {
            return startMs;
        }
    }
}
