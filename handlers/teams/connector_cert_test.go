package teams_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// testCert is a self-signed RSA certificate and its key, in PEM.
type testCert struct {
	cert               *x509.Certificate
	certPEM            []byte
	pkcs8PEM, pkcs1PEM []byte
}

func newTestCert(tb testing.TB) testCert {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "waymark-bot-test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	return testCert{
		cert:     cert,
		certPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pkcs8PEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}),
		pkcs1PEM: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
	}
}

// verifyAssertion checks a client assertion JWT against tc and returns its
// header and claims.
func verifyAssertion(t *testing.T, jwt string, tc testCert) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("assertion has %d parts, want 3", len(parts))
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatalf("signature encoding: %v", err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(tc.cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Fatalf("assertion signature does not verify with the certificate: %v", err)
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("part %d encoding: %v", i, err)
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			t.Fatalf("part %d JSON: %v", i, err)
		}
	}
	return header, claims
}

func TestConnectorCertificateCredential(t *testing.T) {
	tc := newTestCert(t)
	for _, kc := range []struct {
		name string
		key  []byte
	}{{"PKCS8", tc.pkcs8PEM}, {"PKCS1", tc.pkcs1PEM}} {
		t.Run(kc.name, func(t *testing.T) {
			f := newConnFixture(t)
			cfg := f.config()
			cfg.AppSecret = ""
			cfg.CertificatePEM, cfg.PrivateKeyPEM = tc.certPEM, kc.key
			c := mustConnector(t, cfg)
			if _, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello()); err != nil {
				t.Fatal(err)
			}
			if r := f.requests(); len(r) != 1 || r[0].Auth != "Bearer token-1" {
				t.Fatalf("requests = %+v, want one with token-1", r)
			}
			if n := f.tokenFetches(); n != 1 {
				t.Fatalf("%d token fetches, want 1", n)
			}
			form := f.tokenForms[0]
			for k, want := range map[string]string{
				"grant_type":            "client_credentials",
				"client_id":             connAppID,
				"scope":                 teams.DefaultScope,
				"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
			} {
				if got := form[k]; len(got) != 1 || got[0] != want {
					t.Errorf("form %s = %q, want %q", k, got, want)
				}
			}
			if _, ok := form["client_secret"]; ok {
				t.Error("form carries client_secret with a certificate credential")
			}
			if len(form["client_assertion"]) != 1 {
				t.Fatalf("client_assertion = %q, want one", form["client_assertion"])
			}
			header, claims := verifyAssertion(t, form.Get("client_assertion"), tc)

			s256 := sha256.Sum256(tc.cert.Raw)
			if header["alg"] != "RS256" {
				t.Errorf("alg = %v, want RS256", header["alg"])
			}
			if want := base64.RawURLEncoding.EncodeToString(s256[:]); header["x5t#S256"] != want {
				t.Errorf("x5t#S256 = %v, want %s", header["x5t#S256"], want)
			}
			for k, want := range map[string]string{"aud": f.token.URL + "/token", "iss": connAppID, "sub": connAppID} {
				if claims[k] != want {
					t.Errorf("claim %s = %v, want %s", k, claims[k], want)
				}
			}
			if jti, _ := claims["jti"].(string); jti == "" {
				t.Error("jti is missing")
			}
			num := func(k string) int64 {
				n, ok := claims[k].(json.Number)
				if !ok {
					t.Fatalf("claim %s = %v, want a number", k, claims[k])
				}
				v, err := n.Int64()
				if err != nil {
					t.Fatalf("claim %s: %v", k, err)
				}
				return v
			}
			now := f.now.Unix()
			if nbf := num("nbf"); nbf != now {
				t.Errorf("nbf = %d, want %d", nbf, now)
			}
			if exp := num("exp"); exp != now+600 {
				t.Errorf("exp = %d, want %d", exp, now+600)
			}

			// A second fetch uses a fresh assertion.
			f.advance(time.Hour)
			if _, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello()); err != nil {
				t.Fatal(err)
			}
			if n := f.tokenFetches(); n != 2 {
				t.Fatalf("%d token fetches, want 2", n)
			}
			_, claims2 := verifyAssertion(t, f.tokenForms[1].Get("client_assertion"), tc)
			if claims2["jti"] == claims["jti"] {
				t.Error("jti reused across assertions")
			}
		})
	}
}

func TestConnectorConfigValidateCertificate(t *testing.T) {
	tc := newTestCert(t)
	other := newTestCert(t)
	keyText := string(tc.pkcs8PEM[30:60]) // a piece of the key's base64
	tests := []struct {
		name string
		cfg  teams.ConnectorConfig
		want string // "" means valid
	}{
		{"certificate PKCS8", teams.ConnectorConfig{CertificatePEM: tc.certPEM, PrivateKeyPEM: tc.pkcs8PEM}, ""},
		{"certificate PKCS1", teams.ConnectorConfig{CertificatePEM: tc.certPEM, PrivateKeyPEM: tc.pkcs1PEM}, ""},
		{"secret and certificate", teams.ConnectorConfig{AppSecret: connSecret, CertificatePEM: tc.certPEM, PrivateKeyPEM: tc.pkcs8PEM}, "not both"},
		{"neither", teams.ConnectorConfig{}, "app secret or certificate and private key is required"},
		{"mismatched key", teams.ConnectorConfig{CertificatePEM: tc.certPEM, PrivateKeyPEM: other.pkcs8PEM}, "private key does not match the certificate"},
		{"certificate without key", teams.ConnectorConfig{CertificatePEM: tc.certPEM}, "set together"},
		{"key without certificate", teams.ConnectorConfig{PrivateKeyPEM: tc.pkcs8PEM}, "set together"},
		{"certificate not PEM", teams.ConnectorConfig{CertificatePEM: []byte("nope"), PrivateKeyPEM: tc.pkcs8PEM}, "PEM CERTIFICATE"},
		{"key not PEM", teams.ConnectorConfig{CertificatePEM: tc.certPEM, PrivateKeyPEM: tc.certPEM}, "PEM PRIVATE KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.AppID = connAppID
			err := tt.cfg.Validate()
			_, nerr := teams.NewConnector(tt.cfg)
			if tt.want == "" {
				if err != nil || nerr != nil {
					t.Fatalf("Validate = %v, NewConnector = %v, want both nil", err, nerr)
				}
				return
			}
			if bot.ErrorKind(err) != bot.EInvalid || bot.ErrorKind(nerr) != bot.EInvalid {
				t.Fatalf("Validate = %v, NewConnector = %v, want %s", err, nerr, bot.EInvalid)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
			checkSafe(t, err)
			if s := err.Error(); strings.Contains(s, "BEGIN") || strings.Contains(s, keyText) {
				t.Errorf("error leaks key material: %s", s)
			}
		})
	}
}
