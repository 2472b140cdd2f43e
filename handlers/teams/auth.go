// Package teams connects Waymark to Microsoft Teams through the Bot Framework.
//
// This file holds the inbound authentication: every activity the Bot Framework
// posts to the bot carries a JWT in its Authorization header, and Verifier
// checks it as the Bot Framework requires (issuer, audience, expiry with clock
// skew, the serviceurl claim, the signing key's endorsements for the channel,
// and for Entra-issued tokens the tid claim). There is no maintained Go SDK
// for this, so the checks are done here with lestrrat-go/jwx. Tokens are
// never logged or put into error messages.
package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/waymarkhq/waymark/bot"
)

// Defaults for AuthConfig.
const (
	DefaultOpenIDMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
	DefaultIssuer            = "https://api.botframework.com"
	DefaultSkew              = 5 * time.Minute
)

const (
	// keysTTL is how long the OpenID metadata and the JWKS are trusted before
	// they are fetched again.
	keysTTL = 24 * time.Hour
	// refetchInterval limits refetches of the JWKS caused by an unknown kid,
	// and is the back-off after a failed fetch.
	refetchInterval = time.Minute
	// maxStale is how long past their refresh time cached keys are still
	// used while they cannot be refreshed. The Bot Framework rotates its keys
	// and asks for a daily refresh, so keys much older are not trusted.
	maxStale = 3 * 24 * time.Hour
	// refreshTimeout bounds one fetch of the metadata and the JWKS, whatever
	// the context of the request that started it.
	refreshTimeout = 20 * time.Second
	// maxDocumentSize bounds the metadata and JWKS documents read.
	maxDocumentSize = 1 << 20
	// defaultFetchTimeout applies when no HTTPClient is given.
	defaultFetchTimeout = 10 * time.Second
)

// AuthConfig configures a Verifier. The zero value of every field but AppID
// has a sensible default.
type AuthConfig struct {
	// AppID is the bot's Microsoft App ID; tokens must be issued for it.
	AppID string
	// OpenIDMetadataURL locates the OpenID configuration whose jwks_uri holds
	// the signing keys. It must be https. Default DefaultOpenIDMetadataURL.
	OpenIDMetadataURL string
	// Issuers are the trusted token issuers. Default [DefaultIssuer].
	// Single-tenant bots add "https://sts.windows.net/<tenant>/" and
	// "https://login.microsoftonline.com/<tenant>/v2.0", where <tenant> is
	// the Directory (tenant) ID, a GUID: Entra's tokens name their tenant so.
	Issuers []string
	// EntraMetadataURL locates the OpenID configuration of Microsoft Entra,
	// whose keys sign the tokens of the Entra issuers in Issuers. It must be
	// https. Default, when Issuers holds an Entra issuer,
	// https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration
	// for the first such issuer's tenant.
	EntraMetadataURL string
	// AllowedTenants, when not empty, limits the Teams tenants the bot serves.
	AllowedTenants []string
	// Skew is the clock skew tolerated on exp and nbf. Default DefaultSkew.
	Skew time.Duration
	// HTTPClient fetches the metadata and keys. Default a client with a 10 s timeout.
	HTTPClient *http.Client
	// Now returns the current time. Default time.Now.
	Now func() time.Time
}

// Validate reports every problem with c at once, as a bot.EInvalid error.
func (c AuthConfig) Validate() error {
	var problems []string
	if strings.TrimSpace(c.AppID) == "" {
		problems = append(problems, "app ID is required")
	}
	if c.OpenIDMetadataURL != "" {
		if err := checkHTTPS(c.OpenIDMetadataURL); err != nil {
			problems = append(problems, "OpenID metadata URL "+err.Error())
		}
	}
	if c.EntraMetadataURL != "" {
		if err := checkHTTPS(c.EntraMetadataURL); err != nil {
			problems = append(problems, "Entra metadata URL "+err.Error())
		}
	}
	for i, iss := range c.Issuers {
		if strings.TrimSpace(iss) == "" {
			problems = append(problems, fmt.Sprintf("issuer %d is empty", i+1))
		}
		if tenant, ok := entraTenant(iss); ok && !isGUID(tenant) {
			problems = append(problems, fmt.Sprintf("issuer %d: tenant %q is not a GUID; use the Directory (tenant) ID GUID of the app registration, not a domain name", i+1, tenant))
		}
	}
	for i, t := range c.AllowedTenants {
		if strings.TrimSpace(t) == "" {
			problems = append(problems, fmt.Sprintf("allowed tenant %d is empty", i+1))
		}
	}
	if c.Skew < 0 {
		problems = append(problems, "skew must not be negative")
	}
	if len(problems) > 0 {
		return bot.Errorf(bot.EInvalid, "teams auth config: %s", strings.Join(problems, "; "))
	}
	return nil
}

// isGUID reports whether s is a GUID in its usual form,
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, in either case.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
				return false
			}
		}
	}
	return true
}

func checkHTTPS(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("is not a valid URL")
	}
	if u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("must be an https URL")
	}
	return nil
}

// Claims are the checked facts of a verified token.
type Claims struct {
	Issuer     string
	Audience   []string
	ServiceURL string
	KeyID      string
	IssuedAt   time.Time
	NotBefore  time.Time
	Expiry     time.Time
}

// Verifier checks the Bot Framework JWTs on inbound activities. It caches the
// OpenID metadata and the signing keys, and is safe for concurrent use.
type Verifier struct {
	cfg    AuthConfig
	client *http.Client
	now    func() time.Time

	bf    *keySource // the Bot Framework's keys
	entra *keySource // Entra's keys; nil when no Entra issuer is trusted
}

// keySource is one cached OpenID metadata document and its JWKS. One fetch
// at most is under way at a time, and callers that need it share it; mu is
// held only to read and install the state, never across a fetch.
type keySource struct {
	name        string // for error messages: "Bot Framework", "Entra"
	metadataURL string

	mu          sync.Mutex
	jwksURI     string
	metaFetched time.Time
	keys        jwk.Set
	keysFetched time.Time
	lastAttempt time.Time // start of the last fetch, whatever its outcome
	lastErr     error     // the last fetch's failure; nil after a success
	lastRefetch time.Time // last refetch caused by an unknown kid
	inflight    *keyFetch // the fetch under way; nil when none is
}

// keyFetch is one fetch of a keySource's metadata and JWKS.
type keyFetch struct {
	done chan struct{} // closed when the fetch ends
	err  error         // its failure; read only once done is closed
}

const (
	entraV2Prefix = "https://login.microsoftonline.com/"
	entraV2Suffix = "/v2.0"
	entraV1Prefix = "https://sts.windows.net/"
)

// entraTenant returns the tenant of an Entra issuer
// ("https://login.microsoftonline.com/<tenant>/v2.0" or
// "https://sts.windows.net/<tenant>/"), and whether iss is one.
func entraTenant(iss string) (string, bool) {
	var t string
	switch {
	case strings.HasPrefix(iss, entraV2Prefix) && strings.HasSuffix(iss, entraV2Suffix):
		t = strings.TrimSuffix(strings.TrimPrefix(iss, entraV2Prefix), entraV2Suffix)
	case strings.HasPrefix(iss, entraV1Prefix) && strings.HasSuffix(iss, "/"):
		t = strings.TrimSuffix(strings.TrimPrefix(iss, entraV1Prefix), "/")
	default:
		return "", false
	}
	if t == "" || strings.ContainsAny(t, "/?#") {
		return "", false
	}
	return t, true
}

// NewVerifier validates cfg, applies the defaults and returns a Verifier. It
// fetches nothing: metadata and keys are fetched on first use.
func NewVerifier(cfg AuthConfig) (*Verifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.OpenIDMetadataURL == "" {
		cfg.OpenIDMetadataURL = DefaultOpenIDMetadataURL
	}
	if len(cfg.Issuers) == 0 {
		cfg.Issuers = []string{DefaultIssuer}
	} else {
		cfg.Issuers = slices.Clone(cfg.Issuers)
	}
	cfg.AllowedTenants = slices.Clone(cfg.AllowedTenants)
	if cfg.Skew == 0 {
		cfg.Skew = DefaultSkew
	}
	for _, iss := range cfg.Issuers {
		if tenant, ok := entraTenant(iss); ok {
			if cfg.EntraMetadataURL == "" {
				cfg.EntraMetadataURL = entraV2Prefix + url.PathEscape(tenant) + entraV2Suffix + "/.well-known/openid-configuration"
			}
			break
		}
	}
	v := &Verifier{cfg: cfg, client: cfg.HTTPClient, now: cfg.Now}
	v.bf = &keySource{name: "Bot Framework", metadataURL: cfg.OpenIDMetadataURL}
	if cfg.EntraMetadataURL != "" && slices.ContainsFunc(cfg.Issuers, func(iss string) bool { _, ok := entraTenant(iss); return ok }) {
		v.entra = &keySource{name: "Entra", metadataURL: cfg.EntraMetadataURL}
	}
	if v.client == nil {
		v.client = &http.Client{Timeout: defaultFetchTimeout}
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

// Verify checks the Authorization header of an inbound activity against the
// activity's channelId, serviceUrl and (for Teams) channelData.tenant.id.
// The signing key is looked up by the issuer the token claims: Entra's keys
// for a trusted Entra issuer (and then no endorsements are required, as
// Entra's keys carry none), the Bot Framework's otherwise.
//
// It returns bot.EUnauthorized for a missing, malformed, expired or not yet
// valid token, an untrusted issuer, a wrong audience, an unknown key, a
// refused algorithm or a bad signature; bot.EForbidden for a key not endorsed
// for the channel, a serviceurl claim that does not match serviceURL, an
// Entra-issued token whose tid claim is not the tenant of its issuer, or a
// tenant not allowed; bot.EUnavailable when the keys cannot be fetched, or
// could not be refreshed for longer than maxStale past their refresh time.
func (v *Verifier) Verify(ctx context.Context, authorization string, channelID, serviceURL, tenantID string) (Claims, error) {
	raw, ok := bearerToken(authorization)
	if !ok {
		return Claims{}, bot.Errorf(bot.EUnauthorized, "bearer token required")
	}

	msg, err := jws.ParseString(raw)
	if err != nil || len(msg.Signatures()) != 1 {
		return Claims{}, &bot.Error{Kind: bot.EUnauthorized, Message: "token malformed", Err: err}
	}
	hdr := msg.Signatures()[0].ProtectedHeaders()
	if alg, _ := hdr.Algorithm(); alg != jwa.RS256() {
		return Claims{}, bot.Errorf(bot.EUnauthorized, "token algorithm not allowed")
	}
	kid, _ := hdr.KeyID()
	if kid == "" {
		return Claims{}, bot.Errorf(bot.EUnauthorized, "token has no key ID")
	}

	// The key source is chosen by the issuer the token claims; the
	// signature is then checked with that source's key, and the claimed
	// issuer against the trusted ones.
	src, fromEntra := v.bf, false
	var unverified struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(msg.Payload(), &unverified); err != nil {
		return Claims{}, &bot.Error{Kind: bot.EUnauthorized, Message: "token malformed", Err: err}
	}
	if _, ok := entraTenant(unverified.Issuer); ok {
		if v.entra == nil || !slices.Contains(v.cfg.Issuers, unverified.Issuer) {
			return Claims{}, bot.Errorf(bot.EUnauthorized, "issuer not trusted")
		}
		src, fromEntra = v.entra, true
	}

	key, err := v.key(ctx, src, kid)
	if err != nil {
		return Claims{}, err
	}

	tok, err := jwt.ParseString(raw, jwt.WithKey(jwa.RS256(), key), jwt.WithValidate(false))
	if err != nil {
		return Claims{}, &bot.Error{Kind: bot.EUnauthorized, Message: "token signature invalid", Err: err}
	}

	c := Claims{KeyID: kid}
	c.Issuer, _ = tok.Issuer()
	c.Audience, _ = tok.Audience()
	c.IssuedAt, _ = tok.IssuedAt()
	c.NotBefore, _ = tok.NotBefore()
	c.Expiry, _ = tok.Expiration()
	_ = tok.Get("serviceurl", &c.ServiceURL)

	if !slices.Contains(v.cfg.Issuers, c.Issuer) || c.Issuer != unverified.Issuer {
		return Claims{}, bot.Errorf(bot.EUnauthorized, "issuer not trusted")
	}
	if !slices.Contains(c.Audience, v.cfg.AppID) {
		return Claims{}, bot.Errorf(bot.EUnauthorized, "token not issued for this bot")
	}
	now := v.now()
	if c.Expiry.IsZero() {
		return Claims{}, bot.Errorf(bot.EUnauthorized, "token has no expiry")
	}
	if !now.Before(c.Expiry.Add(v.cfg.Skew)) {
		return Claims{}, bot.Errorf(bot.EUnauthorized, "token expired")
	}
	if !c.NotBefore.IsZero() && now.Add(v.cfg.Skew).Before(c.NotBefore) {
		return Claims{}, bot.Errorf(bot.EUnauthorized, "token not yet valid")
	}

	// Entra's keys carry no endorsements; the Bot Framework's must.
	if !fromEntra && !endorsed(key, channelID) {
		return Claims{}, bot.Errorf(bot.EForbidden, "signing key not endorsed for channel %q", channelID)
	}
	if c.ServiceURL == "" || !sameServiceURL(c.ServiceURL, serviceURL) {
		return Claims{}, bot.Errorf(bot.EForbidden, "service URL does not match token")
	}
	// An Entra token names its tenant twice, in the issuer and in tid; both
	// must agree.
	if fromEntra {
		tenant, _ := entraTenant(c.Issuer)
		var tid string
		_ = tok.Get("tid", &tid)
		if tid == "" || !strings.EqualFold(tid, tenant) {
			return Claims{}, bot.Errorf(bot.EForbidden, "token tenant does not match issuer")
		}
	}
	if len(v.cfg.AllowedTenants) > 0 && !slices.ContainsFunc(v.cfg.AllowedTenants, func(t string) bool {
		return strings.EqualFold(t, tenantID)
	}) {
		return Claims{}, bot.Errorf(bot.EForbidden, "tenant not allowed")
	}
	return c, nil
}

func bearerToken(authorization string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

func sameServiceURL(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}

// endorsed reports whether the JWKS entry lists channelID in its endorsements.
func endorsed(key jwk.Key, channelID string) bool {
	if channelID == "" {
		return false
	}
	var raw any
	if err := key.Get("endorsements", &raw); err != nil {
		return false
	}
	switch list := raw.(type) {
	case []string:
		return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, channelID) })
	case []any:
		for _, e := range list {
			if s, ok := e.(string); ok && strings.EqualFold(s, channelID) {
				return true
			}
		}
	}
	return false
}
