package web_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// oidcProvider is a local OpenID Connect provider: discovery, its signing
// keys, and a token endpoint that swaps a code it issued for an ID token
// signed with a real RSA key, checking the PKCE verifier and the client's
// secret as a real provider does. What the next token says is the test's
// to choose, to forge, expire or misaddress it.
type oidcProvider struct {
	*httptest.Server
	key   *rsa.PrivateKey
	clock func() time.Time

	mu    sync.Mutex
	codes map[string]grant
	// token, if set, changes the claims (or the key) of the next ID token.
	token func(claims map[string]any) (signWith *rsa.PrivateKey)
}

const (
	oidcClientID     = "waymark-test-client"
	oidcClientSecret = "test-client-secret-0123"
)

// grant is a code the provider issued, for the token endpoint.
type grant struct {
	subject, name, nonce, challenge string
}

func startOIDCProvider(t testing.TB, clock func() time.Time) *oidcProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &oidcProvider{key: key, clock: clock, codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                p.URL,
			"authorization_endpoint":                p.URL + "/authorize",
			"token_endpoint":                        p.URL + "/token",
			"jwks_uri":                              p.URL + "/keys",
			"response_types_supported":              []string{"code"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", p.tokenEndpoint)
	// A person signing in at the provider, as a browser meets it: they
	// are always Sam Okafor, and approve at once.
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		code := p.authorize(t, q, "browser-sam", "Sam Okafor")
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+q.Get("state"), http.StatusFound)
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

// authorize is what the provider does when the person signs in at the
// authorisation URL: it issues a code for subject, bound to the request's
// nonce and PKCE challenge.
func (p *oidcProvider) authorize(t testing.TB, q map[string][]string, subject, name string) string {
	t.Helper()
	get := func(k string) string {
		if v := q[k]; len(v) == 1 {
			return v[0]
		}
		t.Fatalf("authorisation request lacks %s: %v", k, q)
		return ""
	}
	if get("client_id") != oidcClientID || get("response_type") != "code" || get("code_challenge_method") != "S256" {
		t.Fatalf("authorisation request %v", q)
	}
	code := "code-" + subject + "-" + get("state")[:8]
	p.mu.Lock()
	p.codes[code] = grant{subject: subject, name: name, nonce: get("nonce"), challenge: get("code_challenge")}
	p.mu.Unlock()
	return code
}

func (p *oidcProvider) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	id, sec, ok := r.BasicAuth()
	if !ok {
		id, sec = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id != oidcClientID || sec != oidcClientSecret {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	p.mu.Lock()
	g, ok := p.codes[r.PostFormValue("code")]
	delete(p.codes, r.PostFormValue("code"))
	tweak := p.token
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
		return
	}
	now := p.clock()
	claims := map[string]any{
		"iss": p.URL, "sub": g.subject, "aud": oidcClientID, "name": g.name, "nonce": g.nonce,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	key := p.key
	if tweak != nil {
		if k := tweak(claims); k != nil {
			key = k
		}
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	raw, _ := jws.CompactSerialize()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + g.subject, "token_type": "Bearer", "expires_in": 3600, "id_token": raw})
}
