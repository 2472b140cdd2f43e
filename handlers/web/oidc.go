package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/waymarkhq/waymark/bot"
)

// Sign-in with the council's identity provider: OpenID Connect's
// authorisation code flow with PKCE, a nonce and a state bound to the
// browser by a short cookie. go-oidc checks the ID token's signature
// against the provider's keys, its issuer, audience (our client id) and
// expiry; the nonce is checked here.

// CallbackPath is where the identity provider sends the browser back:
// register <web.public_url>/auth/callback as the app's redirect URI.
const CallbackPath = "/auth/callback"

// stateCookie carries a sign-in's state from /auth/login to the callback,
// so that a callback started by another site's page is refused.
const stateCookie = "waymark_oidc_state"

// pending is what is kept of a sign-in under way, under its state.
type pending struct {
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"`
	Expires  time.Time `json:"expires"`
}

// oauth returns the provider's OAuth 2 configuration and ID token
// verifier, discovering the provider on first use.
func (s *SignIn) oauth(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider == nil {
		p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.client), s.web.OIDC.Issuer)
		if err != nil {
			return nil, nil, &bot.Error{Kind: bot.EUnavailable, Message: "The council's sign-in service cannot be reached just now. Try again in a few minutes.", Err: fmt.Errorf("discover OpenID provider: %w", err)}
		}
		s.provider = p
		s.verifier = p.Verifier(&oidc.Config{ClientID: s.web.OIDC.ClientID, Now: s.now})
	}
	conf := &oauth2.Config{
		ClientID:     s.web.OIDC.ClientID,
		ClientSecret: s.web.OIDC.ClientSecret,
		Endpoint:     s.provider.Endpoint(),
		RedirectURL:  s.public.JoinPath(CallbackPath).String(),
		Scopes:       append([]string{oidc.ScopeOpenID}, s.web.OIDC.Scopes...),
	}
	return conf, s.verifier, nil
}

// login sends the browser to the identity provider.
func (s *SignIn) login(w http.ResponseWriter, r *http.Request) error {
	if !s.web.OIDC.Enabled() {
		return bot.Errorf(bot.ENotFound, "Sign-in with the council's account is not set up here.")
	}
	conf, _, err := s.oauth(r.Context())
	if err != nil {
		return err
	}
	state, p := secret(), pending{Nonce: secret(), Verifier: oauth2.GenerateVerifier(), Expires: s.now().Add(stateTTL)}
	b, _ := json.Marshal(p)
	if err := s.tokens.PutToken(r.Context(), kindState, state, b, stateTTL); err != nil {
		return fmt.Errorf("keep a sign-in's state: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: CallbackPath, MaxAge: int(stateTTL / time.Second),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, conf.AuthCodeURL(state, oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier)), http.StatusFound)
	return nil
}

// errCallback is the error for a callback that cannot sign anyone in:
// the reason is logged, not shown.
func errCallback(err error) error {
	return &bot.Error{Kind: bot.EUnauthorized, Message: "That sign-in did not work. Go back to Waymark and sign in again.", Err: err}
}

// callback finishes a sign-in: the state must be this browser's and
// unused, the code is exchanged with its PKCE verifier, and the ID token
// must be valid, for us, unexpired and carry the nonce.
func (s *SignIn) callback(w http.ResponseWriter, r *http.Request) error {
	if !s.web.OIDC.Enabled() {
		return bot.Errorf(bot.ENotFound, "Sign-in with the council's account is not set up here.")
	}
	w.Header().Set("Cache-Control", "no-store")
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return errCallback(fmt.Errorf("the provider refused: %.64s", e))
	}
	state := q.Get("state")
	c, err := r.Cookie(stateCookie)
	if err != nil || state == "" || c.Value != state {
		return errCallback(errors.New("state does not match this browser's"))
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Path: CallbackPath, MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	b, err := s.tokens.TakeToken(r.Context(), kindState, state)
	if bot.ErrorKind(err) == bot.ENotFound {
		return errCallback(errors.New("state unknown, expired or used"))
	}
	if err != nil {
		return err
	}
	var p pending
	if err := json.Unmarshal(b, &p); err != nil || !s.now().Before(p.Expires) {
		return errCallback(errors.New("state expired"))
	}
	conf, verifier, err := s.oauth(r.Context())
	if err != nil {
		return err
	}
	ctx := oidc.ClientContext(r.Context(), s.client)
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return errCallback(fmt.Errorf("exchange the code: %w", err))
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return errCallback(errors.New("no id_token in the token response"))
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return errCallback(fmt.Errorf("verify the ID token: %w", err))
	}
	if idt.Nonce != p.Nonce {
		return errCallback(errors.New("the ID token's nonce is not this sign-in's"))
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return errCallback(fmt.Errorf("read the ID token's claims: %w", err))
	}
	if !inGroups(claims["groups"], s.web.OIDC.AllowedGroups) {
		return &bot.Error{Kind: bot.EForbidden, Message: "Your account is not in a group allowed to use Waymark. Ask your safeguarding lead to add you.",
			Err: errors.New("signed in, but in none of web.oidc.allowed_groups")}
	}
	name, _ := claims[s.web.OIDC.NameClaim].(string)
	if name == "" {
		name, _ = claims["preferred_username"].(string)
	}
	// Named by the identity claim, the person is one the configuration
	// can name (web:<identity>); otherwise by the provider's subject.
	user := webUser("oidc:"+idt.Issuer, idt.Subject)
	if id, _ := claims[s.web.OIDC.IdentityClaim].(string); strings.TrimSpace(id) != "" && s.web.OIDC.IdentityClaim != "" {
		user = IdentityUser(id)
	}
	if err := s.start(r.Context(), w, user, name, "oidc", nil); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// inGroups reports whether claim (a token's groups, a JSON array of
// strings) holds one of allowed; with none allowed, everyone is in.
func inGroups(claim any, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	groups, _ := claim.([]any)
	for _, g := range groups {
		for _, a := range allowed {
			if s, ok := g.(string); ok && strings.EqualFold(s, a) {
				return true
			}
		}
	}
	return false
}

// logout ends the request's session.
func (s *SignIn) logout(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := s.current(r)
	if err != nil {
		return err
	}
	if err := checkCSRF(r, sess); err != nil {
		return err
	}
	if err := s.tokens.DeleteToken(r.Context(), kindSession, id); err != nil {
		return fmt.Errorf("end a web session: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}
