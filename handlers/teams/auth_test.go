package teams_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers/teams"
)

const (
	testAppID      = "00000000-aaaa-bbbb-cccc-000000000001"
	testIssuer     = "https://api.botframework.com"
	testServiceURL = "https://smba.trafficmanager.net/emea/"
	testChannel    = "msteams"
	testTenant     = "5f1c2d3e-0000-4000-8000-00000000000a" // a Directory (tenant) ID
)

var testEpoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testKey is an RSA signing key with the kid and endorsements it is published under.
type testKey struct {
	kid          string
	endorsements []string
	priv         *rsa.PrivateKey
}

func mustKey(tb testing.TB, kid string, endorsements ...string) *testKey {
	tb.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatalf("generate RSA key: %v", err)
	}
	return &testKey{kid: kid, endorsements: endorsements, priv: priv}
}

// jwksEntry is the key as the Bot Framework publishes it.
func (k *testKey) jwksEntry() map[string]any {
	b64 := base64.RawURLEncoding.EncodeToString
	e := map[string]any{
		"kty": "RSA",
		"use": "sig",
		"kid": k.kid,
		"n":   b64(k.priv.N.Bytes()),
		"e":   b64(big.NewInt(int64(k.priv.E)).Bytes()),
	}
	if k.endorsements != nil { // Entra's keys carry none
		e["endorsements"] = k.endorsements
	}
	return e
}

// Modes of a fixture's server.
const (
	serveOK   int32 = iota
	serveFail       // answer 503
	serveHang       // answer 503 only once released (or the client gives up)
)

// fixture is a local OpenID metadata and JWKS server plus a fake clock.
type fixture struct {
	srv      *httptest.Server
	metaHits atomic.Int32
	keysHits atomic.Int32
	mode     atomic.Int32 // serveOK, serveFail or serveHang

	release     chan struct{} // closed to end the hanging requests
	releaseOnce sync.Once

	mu   sync.Mutex
	keys []*testKey
	now  time.Time
}

func newFixture(tb testing.TB, keys ...*testKey) *fixture {
	tb.Helper()
	f := &fixture{keys: keys, now: testEpoch, release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/.well-known/openidconfiguration", func(w http.ResponseWriter, r *http.Request) {
		f.metaHits.Add(1)
		if !f.serving(w, r) {
			return
		}
		writeJSON(w, map[string]any{
			"issuer":                                testIssuer,
			"jwks_uri":                              f.srv.URL + "/v1/.well-known/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /v1/.well-known/keys", func(w http.ResponseWriter, r *http.Request) {
		f.keysHits.Add(1)
		if !f.serving(w, r) {
			return
		}
		f.mu.Lock()
		entries := make([]map[string]any, 0, len(f.keys))
		for _, k := range f.keys {
			entries = append(entries, k.jwksEntry())
		}
		f.mu.Unlock()
		writeJSON(w, map[string]any{"keys": entries})
	})
	f.srv = httptest.NewTLSServer(mux)
	tb.Cleanup(f.srv.Close)
	tb.Cleanup(f.unblock) // before Close, which waits for the hanging requests
	return f
}

// serving fails the request, after hanging it, unless the fixture serves.
func (f *fixture) serving(w http.ResponseWriter, r *http.Request) bool {
	switch f.mode.Load() {
	case serveOK:
		return true
	case serveHang:
		select {
		case <-f.release:
		case <-r.Context().Done():
		}
	}
	http.Error(w, "down", http.StatusServiceUnavailable)
	return false
}

// unblock ends the hanging requests, which then fail.
func (f *fixture) unblock() { f.releaseOnce.Do(func() { close(f.release) }) }

// hits counts the requests to the fixture, metadata and JWKS.
func (f *fixture) hits() int32 { return f.metaHits.Load() + f.keysHits.Load() }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fixture) setKeys(keys ...*testKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys = keys
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fixture) config() teams.AuthConfig {
	return teams.AuthConfig{
		AppID:             testAppID,
		OpenIDMetadataURL: f.srv.URL + "/v1/.well-known/openidconfiguration",
		HTTPClient:        f.srv.Client(),
		Now:               f.clock,
	}
}

func mustVerifier(tb testing.TB, cfg teams.AuthConfig) *teams.Verifier {
	tb.Helper()
	v, err := teams.NewVerifier(cfg)
	if err != nil {
		tb.Fatalf("NewVerifier: %v", err)
	}
	return v
}

// validClaims are the claims of a token the Bot Framework would send.
func validClaims() map[string]any {
	return map[string]any{
		"iss":        testIssuer,
		"aud":        testAppID,
		"iat":        testEpoch.Add(-time.Minute),
		"nbf":        testEpoch.Add(-time.Minute),
		"exp":        testEpoch.Add(time.Hour),
		"serviceurl": testServiceURL,
	}
}

// mustSign returns "Bearer <jwt>" signed RS256 by k with the given claims.
func mustSign(tb testing.TB, k *testKey, claims map[string]any) string {
	tb.Helper()
	key, err := jwk.Import(k.priv)
	if err != nil {
		tb.Fatalf("import key: %v", err)
	}
	if err := key.Set(jwk.KeyIDKey, k.kid); err != nil {
		tb.Fatalf("set kid: %v", err)
	}
	return "Bearer " + mustSignWith(tb, jwa.RS256(), key, claims)
}

func mustSignWith(tb testing.TB, alg jwa.SignatureAlgorithm, key jwk.Key, claims map[string]any) string {
	tb.Helper()
	tok := jwt.New()
	for name, value := range claims {
		if err := tok.Set(name, value); err != nil {
			tb.Fatalf("set claim %s: %v", name, err)
		}
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(alg, key))
	if err != nil {
		tb.Fatalf("sign: %v", err)
	}
	return string(signed)
}

// entraClaims are the claims of a token Entra would send for a bot of
// testTenant, with the given issuer.
func entraClaims(iss string) map[string]any {
	return with(with(validClaims(), "iss", iss), "tid", testTenant)
}

func with(claims map[string]any, name string, value any) map[string]any {
	if value == nil {
		delete(claims, name)
	} else {
		claims[name] = value
	}
	return claims
}

func TestVerifyValid(t *testing.T) {
	k := mustKey(t, "k1", "msteams")
	f := newFixture(t, k)
	v := mustVerifier(t, f.config())

	c, err := v.Verify(context.Background(), mustSign(t, k, validClaims()), testChannel, testServiceURL, testTenant)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if c.Issuer != testIssuer || c.KeyID != "k1" || c.ServiceURL != testServiceURL {
		t.Errorf("claims = %+v", c)
	}
	if len(c.Audience) != 1 || c.Audience[0] != testAppID {
		t.Errorf("audience = %v, want [%s]", c.Audience, testAppID)
	}
	if !c.Expiry.Equal(testEpoch.Add(time.Hour)) {
		t.Errorf("expiry = %v", c.Expiry)
	}
}

func TestVerifyAccepts(t *testing.T) {
	k := mustKey(t, "k1", "msteams", "webchat")
	f := newFixture(t, k)

	tests := []struct {
		name       string
		cfg        func(*teams.AuthConfig)
		claims     map[string]any
		channel    string
		serviceURL string
		tenant     string
	}{
		{name: "expired within skew", claims: with(validClaims(), "exp", testEpoch.Add(-4*time.Minute))},
		{name: "not yet valid within skew", claims: with(validClaims(), "nbf", testEpoch.Add(4*time.Minute))},
		{name: "no nbf", claims: with(validClaims(), "nbf", nil)},
		{name: "service URL without trailing slash", serviceURL: strings.TrimSuffix(testServiceURL, "/")},
		{name: "service URL in other case", serviceURL: strings.ToUpper(testServiceURL)},
		{name: "other endorsed channel", channel: "webchat"},
		{
			name: "single-tenant issuer",
			cfg: func(c *teams.AuthConfig) {
				c.Issuers = []string{testIssuer, "https://login.microsoftonline.com/" + testTenant + "/v2.0"}
				c.EntraMetadataURL = c.OpenIDMetadataURL // Entra's keys, here the same JWKS
			},
			claims: entraClaims("https://login.microsoftonline.com/" + testTenant + "/v2.0"),
		},
		{
			name:   "allowed tenant",
			cfg:    func(c *teams.AuthConfig) { c.AllowedTenants = []string{"other", testTenant} },
			tenant: testTenant,
		},
		{
			name:   "custom skew",
			cfg:    func(c *teams.AuthConfig) { c.Skew = 10 * time.Minute },
			claims: with(validClaims(), "exp", testEpoch.Add(-9*time.Minute)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := f.config()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			v := mustVerifier(t, cfg)
			claims, channel, serviceURL, tenant := tt.claims, tt.channel, tt.serviceURL, tt.tenant
			if claims == nil {
				claims = validClaims()
			}
			if channel == "" {
				channel = testChannel
			}
			if serviceURL == "" {
				serviceURL = testServiceURL
			}
			if tenant == "" {
				tenant = testTenant
			}
			if _, err := v.Verify(context.Background(), mustSign(t, k, claims), channel, serviceURL, tenant); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	k := mustKey(t, "k1", "msteams")
	skypeKey := mustKey(t, "k-skype", "skype")
	impostor := mustKey(t, "k1", "msteams") // same kid, different key
	stranger := mustKey(t, "k-unknown", "msteams")
	f := newFixture(t, k, skypeKey)

	hmacKey, err := jwk.Import([]byte("a shared secret that is long enough"))
	if err != nil {
		t.Fatalf("import HMAC key: %v", err)
	}
	if err := hmacKey.Set(jwk.KeyIDKey, "k1"); err != nil {
		t.Fatalf("set kid: %v", err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	payload, err := json.Marshal(map[string]any{
		"iss": testIssuer, "aud": testAppID, "exp": testEpoch.Add(time.Hour).Unix(), "serviceurl": testServiceURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	noneToken := b64([]byte(`{"alg":"none","kid":"k1","typ":"JWT"}`)) + "." + b64(payload) + "."

	tests := []struct {
		name          string
		authorization string
		cfg           func(*teams.AuthConfig)
		channel       string
		serviceURL    string
		wantKind      string
		wantMessage   string
	}{
		{name: "missing header", authorization: "", wantKind: bot.EUnauthorized, wantMessage: "bearer token required"},
		{name: "no bearer scheme", authorization: strings.TrimPrefix(mustSign(t, k, validClaims()), "Bearer "), wantKind: bot.EUnauthorized, wantMessage: "bearer token required"},
		{name: "basic scheme", authorization: "Basic dXNlcjpwYXNz", wantKind: bot.EUnauthorized, wantMessage: "bearer token required"},
		{name: "empty bearer", authorization: "Bearer ", wantKind: bot.EUnauthorized, wantMessage: "bearer token required"},
		{name: "malformed token", authorization: "Bearer not.a.jwt", wantKind: bot.EUnauthorized, wantMessage: "token malformed"},
		{name: "wrong issuer", authorization: mustSign(t, k, with(validClaims(), "iss", "https://evil.example")), wantKind: bot.EUnauthorized, wantMessage: "issuer not trusted"},
		{name: "single-tenant issuer not configured", authorization: mustSign(t, k, with(validClaims(), "iss", "https://sts.windows.net/"+testTenant+"/")), wantKind: bot.EUnauthorized, wantMessage: "issuer not trusted"},
		{name: "wrong audience", authorization: mustSign(t, k, with(validClaims(), "aud", "another-bot")), wantKind: bot.EUnauthorized, wantMessage: "token not issued for this bot"},
		{name: "expired beyond skew", authorization: mustSign(t, k, with(validClaims(), "exp", testEpoch.Add(-6*time.Minute))), wantKind: bot.EUnauthorized, wantMessage: "token expired"},
		{name: "no expiry", authorization: mustSign(t, k, with(validClaims(), "exp", nil)), wantKind: bot.EUnauthorized, wantMessage: "token has no expiry"},
		{name: "not yet valid beyond skew", authorization: mustSign(t, k, with(validClaims(), "nbf", testEpoch.Add(6*time.Minute))), wantKind: bot.EUnauthorized, wantMessage: "token not yet valid"},
		{name: "unknown key", authorization: mustSign(t, stranger, validClaims()), wantKind: bot.EUnauthorized, wantMessage: "signing key unknown"},
		{name: "bad signature", authorization: mustSign(t, impostor, validClaims()), wantKind: bot.EUnauthorized, wantMessage: "token signature invalid"},
		{name: "HS256 refused", authorization: "Bearer " + mustSignWith(t, jwa.HS256(), hmacKey, validClaims()), wantKind: bot.EUnauthorized, wantMessage: "token algorithm not allowed"},
		{name: "alg none refused", authorization: "Bearer " + noneToken, wantKind: bot.EUnauthorized},
		{name: "key not endorsed for channel", authorization: mustSign(t, skypeKey, validClaims()), wantKind: bot.EForbidden, wantMessage: "signing key not endorsed for channel"},
		{name: "channel not endorsed by key", authorization: mustSign(t, k, validClaims()), channel: "skype", wantKind: bot.EForbidden, wantMessage: "signing key not endorsed for channel"},
		{name: "service URL mismatch", authorization: mustSign(t, k, validClaims()), serviceURL: "https://evil.example/emea/", wantKind: bot.EForbidden, wantMessage: "service URL does not match token"},
		{name: "service URL claim missing", authorization: mustSign(t, k, with(validClaims(), "serviceurl", nil)), wantKind: bot.EForbidden, wantMessage: "service URL does not match token"},
		{
			name:          "tenant not allowed",
			authorization: mustSign(t, k, validClaims()),
			cfg:           func(c *teams.AuthConfig) { c.AllowedTenants = []string{"another-tenant"} },
			wantKind:      bot.EForbidden,
			wantMessage:   "tenant not allowed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := f.config()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			v := mustVerifier(t, cfg)
			channel, serviceURL := tt.channel, tt.serviceURL
			if channel == "" {
				channel = testChannel
			}
			if serviceURL == "" {
				serviceURL = testServiceURL
			}
			_, err := v.Verify(context.Background(), tt.authorization, channel, serviceURL, testTenant)
			if got := bot.ErrorKind(err); got != tt.wantKind {
				t.Fatalf("kind = %q, want %q (err %v)", got, tt.wantKind, err)
			}
			if !strings.Contains(bot.ErrorMessage(err), tt.wantMessage) {
				t.Errorf("message = %q, want it to contain %q", bot.ErrorMessage(err), tt.wantMessage)
			}
			if tok := strings.TrimPrefix(tt.authorization, "Bearer "); len(tok) > 20 && strings.Contains(err.Error(), tok) {
				t.Errorf("error carries the token: %v", err)
			}
		})
	}
}

func TestVerifyUnknownKeyRefetchesOnce(t *testing.T) {
	k := mustKey(t, "k1", "msteams")
	stranger := mustKey(t, "k-unknown", "msteams")
	f := newFixture(t, k)
	v := mustVerifier(t, f.config())
	ctx := context.Background()

	warmUpVerifier(t, v, k)
	if got := f.keysHits.Load(); got != 1 {
		t.Fatalf("JWKS fetched %d times after warm-up, want 1", got)
	}

	bad := mustSign(t, stranger, validClaims())
	for i := range 3 {
		_, err := v.Verify(ctx, bad, testChannel, testServiceURL, testTenant)
		if bot.ErrorKind(err) != bot.EUnauthorized {
			t.Fatalf("attempt %d: kind = %q, want %q (err %v)", i, bot.ErrorKind(err), bot.EUnauthorized, err)
		}
	}
	if got := f.keysHits.Load(); got != 2 {
		t.Errorf("JWKS fetched %d times after unknown kids, want 2 (one refetch)", got)
	}

	f.advance(61 * time.Second)
	if _, err := v.Verify(ctx, bad, testChannel, testServiceURL, testTenant); bot.ErrorKind(err) != bot.EUnauthorized {
		t.Fatalf("after a minute: kind = %q, want %q", bot.ErrorKind(err), bot.EUnauthorized)
	}
	if got := f.keysHits.Load(); got != 3 {
		t.Errorf("JWKS fetched %d times a minute later, want 3", got)
	}
	if got := f.metaHits.Load(); got != 1 {
		t.Errorf("metadata fetched %d times, want 1", got)
	}
}

func TestVerifyKeyRotation(t *testing.T) {
	oldKey := mustKey(t, "k-old", "msteams")
	newKey := mustKey(t, "k-new", "msteams")
	f := newFixture(t, oldKey)
	v := mustVerifier(t, f.config())
	ctx := context.Background()

	if _, err := v.Verify(ctx, mustSign(t, oldKey, validClaims()), testChannel, testServiceURL, testTenant); err != nil {
		t.Fatalf("Verify with old key: %v", err)
	}
	f.setKeys(newKey)
	f.advance(10 * time.Second)

	for i := range 3 {
		if _, err := v.Verify(ctx, mustSign(t, newKey, validClaims()), testChannel, testServiceURL, testTenant); err != nil {
			t.Fatalf("Verify %d with new key: %v", i, err)
		}
	}
	if got := f.keysHits.Load(); got != 2 {
		t.Errorf("JWKS fetched %d times, want 2 (one refetch on the new kid)", got)
	}
	if got := f.metaHits.Load(); got != 1 {
		t.Errorf("metadata fetched %d times, want 1", got)
	}
}

func TestVerifyFetchesMetadataOnce(t *testing.T) {
	k := mustKey(t, "k1", "msteams")
	f := newFixture(t, k)
	v := mustVerifier(t, f.config())
	token := mustSign(t, k, validClaims())

	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			_, err := v.Verify(context.Background(), token, testChannel, testServiceURL, testTenant)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
	}
	if got := f.metaHits.Load(); got != 1 {
		t.Errorf("metadata fetched %d times, want 1", got)
	}
	if got := f.keysHits.Load(); got != 1 {
		t.Errorf("JWKS fetched %d times, want 1", got)
	}

	// After the cache lifetime both are fetched again.
	f.advance(25 * time.Hour)
	if _, err := v.Verify(context.Background(), mustSign(t, k, map[string]any{
		"iss": testIssuer, "aud": testAppID, "exp": f.clock().Add(time.Hour), "serviceurl": testServiceURL,
	}), testChannel, testServiceURL, testTenant); err != nil {
		t.Fatalf("Verify after 25h: %v", err)
	}
	if m, k := f.metaHits.Load(), f.keysHits.Load(); m != 2 || k != 2 {
		t.Errorf("after 25h: metadata fetched %d times, JWKS %d times, want 2 and 2", m, k)
	}
}

func TestVerifyKeysUnavailable(t *testing.T) {
	k := mustKey(t, "k1", "msteams")
	f := newFixture(t, k)
	cfg := f.config()
	cfg.OpenIDMetadataURL = f.srv.URL + "/missing"
	v := mustVerifier(t, cfg)

	_, err := v.Verify(context.Background(), mustSign(t, k, validClaims()), testChannel, testServiceURL, testTenant)
	if got := bot.ErrorKind(err); got != bot.EUnavailable {
		t.Fatalf("kind = %q, want %q (err %v)", got, bot.EUnavailable, err)
	}
}

func TestAuthConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     teams.AuthConfig
		wantErr []string
	}{
		{name: "minimal", cfg: teams.AuthConfig{AppID: testAppID}},
		{name: "full", cfg: teams.AuthConfig{
			AppID:             testAppID,
			OpenIDMetadataURL: teams.DefaultOpenIDMetadataURL,
			Issuers:           []string{testIssuer, "https://sts.windows.net/" + testTenant + "/"},
			AllowedTenants:    []string{testTenant},
			Skew:              time.Minute,
		}},
		{name: "empty", cfg: teams.AuthConfig{}, wantErr: []string{"app ID is required"}},
		{
			name: "everything wrong",
			cfg: teams.AuthConfig{
				OpenIDMetadataURL: "http://login.botframework.com/",
				EntraMetadataURL:  "http://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration",
				Issuers:           []string{""},
				AllowedTenants:    []string{" "},
				Skew:              -time.Second,
			},
			wantErr: []string{"app ID is required", "must be an https URL", "issuer 1 is empty", "allowed tenant 1 is empty", "skew must not be negative", "Entra metadata URL must be an https URL"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if _, err := teams.NewVerifier(tt.cfg); err != nil {
					t.Fatalf("NewVerifier: %v", err)
				}
				return
			}
			if bot.ErrorKind(err) != bot.EInvalid {
				t.Fatalf("kind = %q, want %q (err %v)", bot.ErrorKind(err), bot.EInvalid, err)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(bot.ErrorMessage(err), want) {
					t.Errorf("message %q lacks %q", bot.ErrorMessage(err), want)
				}
			}
			if _, err := teams.NewVerifier(tt.cfg); err == nil {
				t.Error("NewVerifier accepted an invalid config")
			}
		})
	}
}

// TestVerifyKeepsCachedKeysWhenRefreshFails: a key endpoint that is down
// when the day-old keys are refreshed does not refuse every request.
func TestVerifyKeepsCachedKeysWhenRefreshFails(t *testing.T) {
	k := mustKey(t, "k1", "msteams")
	f := newFixture(t, k)
	v := mustVerifier(t, f.config())
	if _, err := v.Verify(context.Background(), mustSign(t, k, validClaims()), testChannel, testServiceURL, testTenant); err != nil {
		t.Fatal(err)
	}
	f.srv.Close() // the endpoint goes away
	f.advance(25 * time.Hour)
	claims := map[string]any{"iss": testIssuer, "aud": testAppID, "exp": f.clock().Add(time.Hour), "serviceurl": testServiceURL}
	if _, err := v.Verify(context.Background(), mustSign(t, k, claims), testChannel, testServiceURL, testTenant); err != nil {
		t.Errorf("with the key endpoint down and cached keys: %v", err)
	}
}

// TestVerifyEntraIssuer: a single-tenant bot's tokens, issued by Entra and
// signed with a key only in Entra's JWKS (which carries no endorsements),
// pass when that issuer is trusted, and every other check still applies.
func TestVerifyEntraIssuer(t *testing.T) {
	const (
		entraV2 = "https://login.microsoftonline.com/" + testTenant + "/v2.0"
		entraV1 = "https://sts.windows.net/" + testTenant + "/"
	)
	bfKey := mustKey(t, "bf-1", "msteams")
	bfBare := mustKey(t, "bf-bare") // no endorsements
	entraKey := mustKey(t, "entra-1")
	bf := newFixture(t, bfKey, bfBare)
	entra := newFixture(t, entraKey)

	entraConfig := func(issuers ...string) teams.AuthConfig {
		cfg := bf.config()
		cfg.Issuers = append([]string{testIssuer}, issuers...)
		cfg.EntraMetadataURL = entra.srv.URL + "/v1/.well-known/openidconfiguration"
		cfg.AllowedTenants = []string{testTenant}
		return cfg
	}
	trusted := mustVerifier(t, entraConfig(entraV2, entraV1))
	bfOnly := mustVerifier(t, bf.config())

	ctx := context.Background()
	for _, iss := range []string{entraV2, entraV1} {
		c, err := trusted.Verify(ctx, mustSign(t, entraKey, entraClaims(iss)), testChannel, testServiceURL, testTenant)
		if err != nil {
			t.Fatalf("%s: Verify: %v", iss, err)
		}
		if c.Issuer != iss || c.KeyID != "entra-1" {
			t.Errorf("%s: claims %+v", iss, c)
		}
		// Not trusted: refused before any key is looked for.
		if _, err := bfOnly.Verify(ctx, mustSign(t, entraKey, entraClaims(iss)), testChannel, testServiceURL, testTenant); bot.ErrorKind(err) != bot.EUnauthorized {
			t.Errorf("%s untrusted: kind %q (err %v), want %q", iss, bot.ErrorKind(err), err, bot.EUnauthorized)
		}
	}
	// Only the v2 issuer trusted: the v1 one is still refused.
	v2Only := mustVerifier(t, entraConfig(entraV2))
	if _, err := v2Only.Verify(ctx, mustSign(t, entraKey, entraClaims(entraV1)), testChannel, testServiceURL, testTenant); bot.ErrorKind(err) != bot.EUnauthorized {
		t.Errorf("v1 issuer not configured: kind %q (err %v), want %q", bot.ErrorKind(err), err, bot.EUnauthorized)
	}

	refused := []struct {
		name   string
		auth   string
		tenant string
		want   string
	}{
		{"Entra issuer, Bot Framework key", mustSign(t, bfKey, entraClaims(entraV2)), testTenant, bot.EUnauthorized},
		{"Bot Framework issuer, Entra key", mustSign(t, entraKey, validClaims()), testTenant, bot.EUnauthorized},
		{"Bot Framework key without endorsements", mustSign(t, bfBare, validClaims()), testTenant, bot.EForbidden},
		{"wrong audience", mustSign(t, entraKey, with(entraClaims(entraV2), "aud", "another-bot")), testTenant, bot.EUnauthorized},
		{"expired", mustSign(t, entraKey, with(entraClaims(entraV2), "exp", testEpoch.Add(-10*time.Minute))), testTenant, bot.EUnauthorized},
		{"service URL mismatch", mustSign(t, entraKey, with(entraClaims(entraV2), "serviceurl", "https://smba.trafficmanager.net/other/")), testTenant, bot.EForbidden},
		{"tenant not allowed", mustSign(t, entraKey, entraClaims(entraV2)), "another-tenant", bot.EForbidden},
	}
	for _, c := range refused {
		if _, err := trusted.Verify(ctx, c.auth, testChannel, testServiceURL, c.tenant); bot.ErrorKind(err) != c.want {
			t.Errorf("%s: kind %q (err %v), want %q", c.name, bot.ErrorKind(err), err, c.want)
		}
	}
	// A Bot Framework token still passes beside the Entra issuers.
	if _, err := trusted.Verify(ctx, mustSign(t, bfKey, validClaims()), testChannel, testServiceURL, testTenant); err != nil {
		t.Errorf("Bot Framework token: %v", err)
	}
}

// TestVerifyEntraDefaultMetadataURL: with an Entra issuer and no
// EntraMetadataURL, Entra's keys are looked for at the tenant's v2.0 OpenID
// configuration.
func TestVerifyEntraDefaultMetadataURL(t *testing.T) {
	rt := &roundTripper{}
	k := mustKey(t, "entra-1")
	v := mustVerifier(t, teams.AuthConfig{
		AppID:      testAppID,
		Issuers:    []string{"https://sts.windows.net/" + testTenant + "/"},
		HTTPClient: &http.Client{Transport: rt},
		Now:        func() time.Time { return testEpoch },
	})
	_, err := v.Verify(context.Background(), mustSign(t, k, entraClaims("https://sts.windows.net/"+testTenant+"/")), testChannel, testServiceURL, testTenant)
	if bot.ErrorKind(err) != bot.EUnavailable {
		t.Errorf("kind %q (err %v), want %q: the fake metadata has no jwks_uri", bot.ErrorKind(err), err, bot.EUnavailable)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	want := "https://login.microsoftonline.com/" + testTenant + "/v2.0/.well-known/openid-configuration"
	if len(rt.urls) == 0 || rt.urls[0] != want {
		t.Errorf("fetched %v, want %s first", rt.urls, want)
	}
}

// claimsAt are validClaims for a token issued at now.
func claimsAt(now time.Time) map[string]any {
	return map[string]any{"iss": testIssuer, "aud": testAppID, "exp": now.Add(time.Hour), "serviceurl": testServiceURL}
}

// verifyAll runs Verify n times at once with token and returns the errors.
func verifyAll(v *teams.Verifier, n int, token string) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = v.Verify(context.Background(), token, testChannel, testServiceURL, testTenant)
		})
	}
	wg.Wait()
	return errs
}

// TestVerifyRefreshFailureBacksOff: when the daily refresh fails, the
// concurrent requests make one attempt between them and pass with the cached
// keys; none is made again for a minute, and then one.
func TestVerifyRefreshFailureBacksOff(t *testing.T) {
	k := mustKey(t, "k1", "msteams")
	stranger := mustKey(t, "k-unknown", "msteams")
	f := newFixture(t, k)
	v := mustVerifier(t, f.config())
	ctx := context.Background()
	warmUpVerifier(t, v, k)
	base := f.hits()

	f.mode.Store(serveFail)
	f.advance(25 * time.Hour)
	for i, err := range verifyAll(v, 10, mustSign(t, k, claimsAt(f.clock()))) {
		if err != nil {
			t.Errorf("Verify %d with the refresh failing: %v", i, err)
		}
	}
	if got := f.hits() - base; got != 1 {
		t.Fatalf("10 concurrent requests made %d fetches, want 1", got)
	}

	f.advance(30 * time.Second)
	if _, err := v.Verify(ctx, mustSign(t, k, claimsAt(f.clock())), testChannel, testServiceURL, testTenant); err != nil {
		t.Errorf("Verify within the back-off: %v", err)
	}
	// An unknown kid does not refetch within the back-off either.
	if _, err := v.Verify(ctx, mustSign(t, stranger, claimsAt(f.clock())), testChannel, testServiceURL, testTenant); bot.ErrorKind(err) != bot.EUnavailable {
		t.Errorf("unknown kid within the back-off: kind %q (err %v), want %q", bot.ErrorKind(err), err, bot.EUnavailable)
	}
	if got := f.hits() - base; got != 1 {
		t.Fatalf("within the back-off: %d fetches, want still 1", got)
	}

	f.advance(31 * time.Second)
	for i, err := range verifyAll(v, 10, mustSign(t, k, claimsAt(f.clock()))) {
		if err != nil {
			t.Errorf("Verify %d after the back-off: %v", i, err)
		}
	}
	if got := f.hits() - base; got != 2 {
		t.Fatalf("after the back-off: %d fetches, want 2 (one new attempt)", got)
	}

	// Once the endpoint is back, the next attempt installs fresh keys.
	f.mode.Store(serveOK)
	f.advance(61 * time.Second)
	for range 2 {
		if _, err := v.Verify(ctx, mustSign(t, k, claimsAt(f.clock())), testChannel, testServiceURL, testTenant); err != nil {
			t.Errorf("Verify with the endpoint back: %v", err)
		}
	}
	if got := f.hits() - base; got != 4 {
		t.Errorf("with the endpoint back: %d fetches, want 4 (metadata and JWKS once)", got)
	}
}

// TestVerifyRefreshHangingSharesOneFetch: while the refresh hangs, the
// requests that need it wait for the one fetch under way rather than each
// making its own; a request whose context ends stops waiting and passes with
// the cached keys.
func TestVerifyRefreshHangingSharesOneFetch(t *testing.T) {
	k := mustKey(t, "k1", "msteams")
	f := newFixture(t, k)
	v := mustVerifier(t, f.config())
	warmUpVerifier(t, v, k)
	base := f.hits()

	f.mode.Store(serveHang)
	f.advance(25 * time.Hour)
	token := mustSign(t, k, claimsAt(f.clock()))
	results := make(chan []error, 1)
	go func() { results <- verifyAll(v, 10, token) }()

	// Wait for the hanging request to reach the server.
	for deadline := time.Now().Add(10 * time.Second); f.hits() == base; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			f.unblock()
			t.Fatal("no refresh was attempted")
		}
	}

	// A request whose context has ended does not wait for the fetch.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() {
		_, err := v.Verify(cancelled, token, testChannel, testServiceURL, testTenant)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Verify with its context ended: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("Verify with its context ended kept waiting for the hanging fetch")
	}

	f.unblock() // the hanging fetch now fails
	for i, err := range <-results {
		if err != nil {
			t.Errorf("Verify %d with the refresh hanging: %v", i, err)
		}
	}
	if got := f.hits() - base; got != 1 {
		t.Fatalf("10 concurrent requests made %d fetches, want 1", got)
	}
	if _, err := v.Verify(context.Background(), token, testChannel, testServiceURL, testTenant); err != nil {
		t.Errorf("Verify within the back-off: %v", err)
	}
	if got := f.hits() - base; got != 1 {
		t.Errorf("within the back-off: %d fetches, want still 1", got)
	}
}

// TestVerifyStaleKeysExpire: keys that cannot be refreshed are used for
// three days past their refresh time, not longer.
func TestVerifyStaleKeysExpire(t *testing.T) {
	k := mustKey(t, "k1", "msteams")
	f := newFixture(t, k)
	v := mustVerifier(t, f.config())
	ctx := context.Background()
	warmUpVerifier(t, v, k)

	f.mode.Store(serveFail)
	f.advance(24*time.Hour + 72*time.Hour - time.Minute)
	if _, err := v.Verify(ctx, mustSign(t, k, claimsAt(f.clock())), testChannel, testServiceURL, testTenant); err != nil {
		t.Fatalf("Verify with keys stale for less than three days: %v", err)
	}
	f.advance(2 * time.Minute)
	_, err := v.Verify(ctx, mustSign(t, k, claimsAt(f.clock())), testChannel, testServiceURL, testTenant)
	if bot.ErrorKind(err) != bot.EUnavailable || !strings.Contains(bot.ErrorMessage(err), "signing keys could not be refreshed") {
		t.Fatalf("Verify with keys stale for three days: kind %q message %q, want %q and %q",
			bot.ErrorKind(err), bot.ErrorMessage(err), bot.EUnavailable, "signing keys could not be refreshed")
	}
	// Within the back-off too, without a fetch.
	hits := f.hits()
	if _, err := v.Verify(ctx, mustSign(t, k, claimsAt(f.clock())), testChannel, testServiceURL, testTenant); bot.ErrorKind(err) != bot.EUnavailable {
		t.Errorf("again: kind %q (err %v), want %q", bot.ErrorKind(err), err, bot.EUnavailable)
	}
	if f.hits() != hits {
		t.Errorf("a fetch was made within the back-off")
	}

	f.mode.Store(serveOK)
	f.advance(61 * time.Second)
	if _, err := v.Verify(ctx, mustSign(t, k, claimsAt(f.clock())), testChannel, testServiceURL, testTenant); err != nil {
		t.Errorf("Verify once the keys are refreshed: %v", err)
	}
}

// TestVerifyEntraTenantClaim: an Entra-issued token must name the tenant of
// its issuer in tid.
func TestVerifyEntraTenantClaim(t *testing.T) {
	const (
		entraV2 = "https://login.microsoftonline.com/" + testTenant + "/v2.0"
		entraV1 = "https://sts.windows.net/" + testTenant + "/"
	)
	k := mustKey(t, "entra-1")
	f := newFixture(t, k)
	cfg := f.config()
	cfg.Issuers = []string{testIssuer, entraV2, entraV1}
	cfg.EntraMetadataURL = cfg.OpenIDMetadataURL
	v := mustVerifier(t, cfg)
	ctx := context.Background()

	for _, iss := range []string{entraV2, entraV1} {
		if _, err := v.Verify(ctx, mustSign(t, k, with(entraClaims(iss), "tid", strings.ToUpper(testTenant))), testChannel, testServiceURL, testTenant); err != nil {
			t.Errorf("%s, tid in upper case: %v", iss, err)
		}
		for name, tid := range map[string]any{
			"no tid":       nil,
			"empty tid":    "",
			"other tenant": "5f1c2d3e-0000-4000-8000-00000000000b",
			"domain name":  "contoso.onmicrosoft.com",
			"tid a number": 42,
		} {
			_, err := v.Verify(ctx, mustSign(t, k, with(entraClaims(iss), "tid", tid)), testChannel, testServiceURL, testTenant)
			if bot.ErrorKind(err) != bot.EForbidden || bot.ErrorMessage(err) != "token tenant does not match issuer" {
				t.Errorf("%s, %s: kind %q message %q, want %q and %q", iss, name, bot.ErrorKind(err), bot.ErrorMessage(err), bot.EForbidden, "token tenant does not match issuer")
			}
		}
	}
}

// TestNewVerifierEntraTenantNotGUID: an Entra issuer must name its tenant by
// its GUID, as the tokens' iss does; a domain name could never match.
func TestNewVerifierEntraTenantNotGUID(t *testing.T) {
	for _, iss := range []string{
		"https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0",
		"https://sts.windows.net/contoso.onmicrosoft.com/",
		"https://login.microsoftonline.com/common/v2.0",
		"https://sts.windows.net/5f1c2d3e00004000800000000000000a/",
		"https://sts.windows.net/5f1c2d3e-0000-4000-8000-00000000000g/",
	} {
		_, err := teams.NewVerifier(teams.AuthConfig{AppID: testAppID, Issuers: []string{testIssuer, iss}})
		if bot.ErrorKind(err) != bot.EInvalid || !strings.Contains(bot.ErrorMessage(err), "is not a GUID") || !strings.Contains(bot.ErrorMessage(err), "Directory (tenant) ID") {
			t.Errorf("%s: kind %q message %q, want %q saying to use the Directory (tenant) ID GUID", iss, bot.ErrorKind(err), bot.ErrorMessage(err), bot.EInvalid)
		}
	}
	upper := "https://sts.windows.net/" + strings.ToUpper(testTenant) + "/"
	if _, err := teams.NewVerifier(teams.AuthConfig{AppID: testAppID, Issuers: []string{testIssuer, upper}}); err != nil {
		t.Errorf("%s: %v", upper, err)
	}
}

// warmUpVerifier verifies one good token signed with k, so that v has
// fetched and cached the keys.
func warmUpVerifier(tb testing.TB, v *teams.Verifier, k *testKey) {
	tb.Helper()
	if _, err := v.Verify(context.Background(), mustSign(tb, k, validClaims()), testChannel, testServiceURL, testTenant); err != nil {
		tb.Fatalf("warm-up Verify: %v", err)
	}
}
