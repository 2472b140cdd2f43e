package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/config"
)

// Sign-in for the web chat off loopback. A person signs in with the
// council's identity provider (OpenID Connect) or with a one-time link the
// bot sent them in Slack or Teams; either way the server keeps a session
// in Redis and the browser a cookie (HttpOnly, Secure, SameSite=Lax) whose
// value is the session's only key. The page is told the person's name and
// the session's CSRF token, never the session id, and every request that
// changes something carries that token in X-CSRF-Token.

// Tokens keeps the sign-in's short-lived secrets: sessions, sign-ins under
// way, one-time links. redisstore.Store is the one implementation. Token
// and TakeToken return ENotFound for a secret that was never kept, has
// expired or was taken; every method returns EUnavailable when the store
// cannot be reached.
type Tokens interface {
	PutToken(ctx context.Context, kind, secret string, value []byte, ttl time.Duration) error
	Token(ctx context.Context, kind, secret string) ([]byte, error)
	TakeToken(ctx context.Context, kind, secret string) ([]byte, error)
	DeleteToken(ctx context.Context, kind, secret string) error
}

// The kinds of token.
const (
	kindSession = "session"
	kindState   = "oidcstate"
	kindLink    = "link"
)

// stateTTL is how long a sign-in with the identity provider may take.
const stateTTL = 10 * time.Minute

// SignInConfig configures a SignIn.
type SignInConfig struct {
	Web    config.WebConfig
	Tokens Tokens
	// Now is the clock sessions and links expire by; time.Now if nil.
	Now func() time.Time
	// HTTPClient reaches the identity provider; http.DefaultClient if nil.
	HTTPClient *http.Client
	Log        *slog.Logger
}

// SignIn is the web chat's sign-in: its routes, and the session behind a
// request. It is safe for concurrent use, and replicas sharing a Redis
// share its sessions.
type SignIn struct {
	web    config.WebConfig
	tokens Tokens
	now    func() time.Time
	client *http.Client
	log    *slog.Logger
	public *url.URL
	secure bool // cookies are Secure: off only on a loopback http address

	mu       sync.Mutex // guards provider and verifier, found on first use
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

var _ bot.WebLinker = (*SignIn)(nil)

// NewSignIn returns the sign-in cfg describes. It returns an EInvalid
// error when no method is configured or the public URL is missing; the
// identity provider is reached only at the first sign-in, so that an
// outage there does not stop Slack and Teams from starting.
func NewSignIn(cfg SignInConfig) (*SignIn, error) {
	if !cfg.Web.SignIn() || cfg.Web.PublicURL == "" || cfg.Tokens == nil {
		return nil, bot.Errorf(bot.EInvalid, "Web sign-in needs web.public_url, a token store and web.oidc or web.links.")
	}
	u, err := url.Parse(cfg.Web.PublicURL)
	if err != nil || u.Host == "" {
		return nil, bot.Errorf(bot.EInvalid, "web.public_url %q is not an absolute URL.", cfg.Web.PublicURL)
	}
	s := &SignIn{web: cfg.Web, tokens: cfg.Tokens, now: cfg.Now, client: cfg.HTTPClient, log: cfg.Log, public: u, secure: u.Scheme == "https"}
	if s.now == nil {
		s.now = time.Now
	}
	if s.client == nil {
		s.client = http.DefaultClient
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// session is what the server keeps of a sign-in.
type session struct {
	User    string    `json:"user"` // the web user id: the desk's target and the inbox
	Name    string    `json:"name"` // shown to the desk
	Via     string    `json:"via"`  // oidc, slack or teams
	CSRF    string    `json:"csrf"`
	Expires time.Time `json:"expires"`
	// As is who the person is to the desk and the console's roles: for a
	// one-time link, the Slack or Teams person it was sent to, so that the
	// same person has the same roles in chat and console; for the identity
	// provider, the web person User names.
	As *sessionPerson `json:"as,omitempty"`
}

// sessionPerson is a bot.Person as a session keeps it.
type sessionPerson struct {
	Platform string `json:"platform"`
	Team     string `json:"team,omitempty"`
	User     string `json:"user"`
}

// person is who the session's person is to the desk.
func (s session) person() bot.Person {
	if s.As == nil || s.As.User == "" {
		return bot.Person{Platform: bot.PlatformWeb, UserID: s.User, Name: s.Name}
	}
	return bot.Person{Platform: s.As.Platform, TeamID: s.As.Team, UserID: s.As.User, Name: s.Name}
}

// IdentityUser is the web user id of the person the identity provider
// names identity by web.oidc.identity_claim: what web:<identity> in the
// configuration stands for, so that the desk can prompt them and the
// console knows their roles. Like every web user id it is a digest.
func IdentityUser(identity string) string {
	return webUser("identity", strings.ToLower(strings.TrimSpace(identity)))
}

// cookieName is the session cookie's name: with the __Host- prefix where
// the cookie is Secure, so that no subdomain can set it.
func (s *SignIn) cookieName() string {
	if s.secure {
		return "__Host-waymark"
	}
	return "waymark_session"
}

// secret returns 32 random bytes, URL-safe.
func secret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// webUser is the web user id of a person known by subject to an
// authority (an issuer, or a chat platform and its workspace): stable, so
// the same person finds the same inbox, and a digest, so that it tells
// nothing about them.
func webUser(authority, subject string) string {
	sum := sha256.Sum256([]byte("waymark-web-user\x00" + authority + "\x00" + subject))
	return "u" + hex.EncodeToString(sum[:15])
}

// start opens a session for a person and sets its cookie.
func (s *SignIn) start(ctx context.Context, w http.ResponseWriter, user, name, via string, as *sessionPerson) error {
	if strings.TrimSpace(name) == "" {
		name = "a signed-in colleague"
	}
	sess := session{User: user, Name: name, Via: via, CSRF: secret(), Expires: s.now().Add(s.web.SessionTTL), As: as}
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("encode a web session: %w", err)
	}
	id := secret()
	if err := s.tokens.PutToken(ctx, kindSession, id, b, s.web.SessionTTL); err != nil {
		return fmt.Errorf("keep a web session: %w", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: id, Path: "/", MaxAge: int(s.web.SessionTTL / time.Second),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
	s.log.InfoContext(ctx, "web sign-in", "via", via, "user", user)
	return nil
}

// errSignIn is the error for a request with no live session.
var errSignIn = &bot.Error{Kind: bot.EUnauthorized, Message: "Please sign in to use Waymark on the web."}

// current returns the session r's cookie names. It returns errSignIn
// (EUnauthorized) when there is none or it has expired, and EUnavailable
// when the store cannot be reached.
func (s *SignIn) current(r *http.Request) (session, string, error) {
	c, err := r.Cookie(s.cookieName())
	if err != nil || len(c.Value) < 16 {
		return session{}, "", errSignIn
	}
	b, err := s.tokens.Token(r.Context(), kindSession, c.Value)
	if bot.ErrorKind(err) == bot.ENotFound {
		return session{}, "", errSignIn
	}
	if err != nil {
		return session{}, "", err
	}
	var sess session
	if err := json.Unmarshal(b, &sess); err != nil || sess.User == "" {
		return session{}, "", errSignIn
	}
	if !s.now().Before(sess.Expires) {
		return session{}, "", errSignIn
	}
	return sess, c.Value, nil
}

// checkCSRF refuses a change whose X-CSRF-Token is not the session's.
func checkCSRF(r *http.Request, sess session) error {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
		return bot.Errorf(bot.EForbidden, "This request lacks the page's security token. Reload the page and try again.")
	}
	return nil
}

// allowedHost reports whether host (a request's Host) is the public URL's
// or a loopback name: a page elsewhere that points its own name at this
// server (DNS rebinding) reaches nothing.
func (s *SignIn) allowedHost(host string) bool {
	if strings.EqualFold(host, s.public.Host) || strings.EqualFold(host+":"+defaultPort(s.public.Scheme), s.public.Host) {
		return true
	}
	if !strings.Contains(host, ":") || strings.HasSuffix(host, "]") {
		host += ":80"
	}
	return config.Loopback(host)
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// SessionInfo is the body of GET /api/session, which the page asks first:
//
//	{"mode": "anonymous"}
//	{"mode": "signin", "signed_in": false, "login": "/auth/login", "links": true}
//	{"mode": "signin", "signed_in": true, "name": "Sam Okafor", "csrf": "..."}
//
// Anonymous (loopback only), the page keeps its own session id. Signed in,
// the cookie is the session and the page sends CSRF in X-CSRF-Token with
// every POST /api/chat, GET /api/inbox and POST /auth/logout. Login is the
// OpenID Connect sign-in's address, empty when it is not configured; Links
// says whether "web" in Slack or Teams sends a one-time link.
type SessionInfo struct {
	Mode     string `json:"mode"`
	SignedIn bool   `json:"signed_in,omitempty"`
	Name     string `json:"name,omitempty"`
	CSRF     string `json:"csrf,omitempty"`
	Login    string `json:"login,omitempty"`
	Links    bool   `json:"links,omitempty"`
}

// sessionInfo answers GET /api/session.
func (c *Chat) sessionInfo(w http.ResponseWriter, r *http.Request) error {
	info := SessionInfo{Mode: "anonymous"}
	if s := c.signin; s != nil {
		info = SessionInfo{Mode: "signin", Links: s.web.Links}
		if s.web.OIDC.Enabled() {
			info.Login = "/auth/login"
		}
		sess, _, err := s.current(r)
		switch {
		case err == nil:
			info.SignedIn, info.Name, info.CSRF = true, sess.Name, sess.CSRF
		case bot.ErrorKind(err) != bot.EUnauthorized:
			return err
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(info)
}

// who is the signed-in person a request comes from, its CSRF token
// checked; nil when the chat is anonymous. It returns EUnauthorized with
// no live session and EForbidden without the session's CSRF token.
func (c *Chat) who(r *http.Request) (*session, error) {
	if c.signin == nil {
		return nil, nil
	}
	sess, _, err := c.signin.current(r)
	if err != nil {
		return nil, err
	}
	if err := checkCSRF(r, sess); err != nil {
		return nil, err
	}
	return &sess, nil
}
