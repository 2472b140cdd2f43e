package web_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/web"
	"github.com/waymarkhq/waymark/internal/clocktest"
)

// signinServer is the chat with sign-in, over a real Redis, mounted on a
// handlers.Server behind httptest, its public URL its own address.
type signinServer struct {
	*httptest.Server
	rec    *recorder
	store  *redisstore.Store
	signin *web.SignIn
	clock  *clocktest.Clock
	idp    *oidcProvider
}

func newSigninServer(t *testing.T, links bool) *signinServer {
	t.Helper()
	clock := clocktest.At(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	idp := startOIDCProvider(t, clock.Now)
	store := mustInboxStore(t)
	srv := httptest.NewUnstartedServer(nil)
	cfg := config.WebConfig{
		PublicURL: "http://" + srv.Listener.Addr().String(), SessionTTL: 8 * time.Hour, Links: links, LinkTTL: 10 * time.Minute,
		OIDC: config.OIDCConfig{Issuer: idp.URL, ClientID: oidcClientID, ClientSecret: oidcClientSecret, Scopes: []string{"profile"}, NameClaim: "name"},
	}
	si, err := web.NewSignIn(web.SignInConfig{Web: cfg, Tokens: store, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{reply: bot.Reply{Text: "ok"}}
	s := handlers.NewServer(slog.New(slog.DiscardHandler), nil)
	s.Mount(web.New(rec, nil).WithInbox(store).WithSignIn(si).Routes()...)
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	return &signinServer{Server: srv, rec: rec, store: store, signin: si, clock: clock, idp: idp}
}

// browser is one person's browser: its own cookies, redirects not
// followed, so that each step can be checked.
type browser struct {
	t    testing.TB
	c    *http.Client
	base string
	csrf string
}

func (s *signinServer) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: s.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path, contentType, body string, header map[string]string) response {
	b.t.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = b.base + path
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: out}
}

// session asks GET /api/session and keeps the CSRF token it gives.
func (b *browser) session() web.SessionInfo {
	b.t.Helper()
	r := b.do(http.MethodGet, "/api/session", "", "", nil)
	var info web.SessionInfo
	if r.status != http.StatusOK || json.Unmarshal(r.body, &info) != nil {
		b.t.Fatalf("GET /api/session: %d %s", r.status, r.body)
	}
	b.csrf = info.CSRF
	return info
}

// ask posts a question, with the CSRF token when withCSRF.
func (b *browser) ask(text string, withCSRF bool) response {
	b.t.Helper()
	h := map[string]string{}
	if withCSRF {
		h["X-CSRF-Token"] = b.csrf
	}
	body, _ := json.Marshal(map[string]any{"text": text, "session": "chosen-by-the-client"})
	return b.do(http.MethodPost, "/api/chat", "application/json", string(body), h)
}

// signInWithProvider goes through the OpenID Connect sign-in as subject,
// and returns the callback's response.
func (s *signinServer) signInWithProvider(b *browser, subject, name string) response {
	b.t.Helper()
	r := b.do(http.MethodGet, "/auth/login", "", "", nil)
	if r.status != http.StatusFound {
		b.t.Fatalf("GET /auth/login: %d %s", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), s.idp.URL+"/authorize") {
		b.t.Fatalf("login redirects to %q", r.header.Get("Location"))
	}
	q := loc.Query()
	code := s.idp.authorize(b.t, q, subject, name)
	if q.Get("redirect_uri") != s.URL+web.CallbackPath {
		b.t.Fatalf("redirect_uri %q", q.Get("redirect_uri"))
	}
	return b.do(http.MethodGet, web.CallbackPath+"?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(q.Get("state")), "", "", nil)
}

// TestOIDCSignIn: a person signs in with the council's identity
// provider; the chat then knows them by name, never by a client-chosen
// id, and refuses a change without the page's CSRF token.
func TestOIDCSignIn(t *testing.T) {
	s := newSigninServer(t, false)
	b := s.browser(t)
	if info := b.session(); info.Mode != "signin" || info.SignedIn || info.Login != "/auth/login" {
		t.Fatalf("before sign-in: %+v", info)
	}
	if r := b.ask("who is the LADO", false); r.status != http.StatusUnauthorized {
		t.Fatalf("an anonymous question: %d, want 401", r.status)
	}
	r := s.signInWithProvider(b, "entra-oid-1", "Sam Okafor")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Fatalf("callback: %d %s", r.status, r.body)
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "waymark_session" && c.Value != "" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Fatalf("session cookie %+v", cookie)
	}
	info := b.session()
	if !info.SignedIn || info.Name != "Sam Okafor" || len(info.CSRF) < 32 {
		t.Fatalf("after sign-in: %+v", info)
	}
	if strings.Contains(string(must(json.Marshal(info))), cookie.Value) {
		t.Error("the page is told the session id")
	}

	if r := b.ask("who is the LADO", false); r.status != http.StatusForbidden {
		t.Errorf("a question without the CSRF token: %d, want 403", r.status)
	}
	b.csrf = "forged-token-of-the-right-length-000000"
	if r := b.ask("who is the LADO", true); r.status != http.StatusForbidden {
		t.Errorf("a question with another CSRF token: %d, want 403", r.status)
	}
	b.session()
	if r := b.ask("who is the LADO", true); r.status != http.StatusOK {
		t.Fatalf("a signed-in question: %d %s", r.status, r.body)
	}
	ms := s.rec.messages()
	if len(ms) != 1 {
		t.Fatalf("%d messages reached the engine, want 1", len(ms))
	}
	m := ms[0]
	if m.UserName != "Sam Okafor" || m.UserID == "chosen-by-the-client" || m.ConversationID != m.UserID || strings.Contains(m.UserID, "entra-oid-1") {
		t.Errorf("message from %+v", m)
	}

	// The same person signing in again, elsewhere, is the same user.
	b2 := s.browser(t)
	s.signInWithProvider(b2, "entra-oid-1", "Sam Okafor")
	b2.session()
	b2.ask("and out of hours?", true)
	if ms := s.rec.messages(); len(ms) != 2 || ms[1].UserID != m.UserID {
		t.Errorf("second sign-in: %+v, want user %s", ms[len(ms)-1], m.UserID)
	}

	// Signed out, the cookie opens nothing.
	if r := b.do(http.MethodPost, "/auth/logout", "", "", map[string]string{"X-CSRF-Token": b.csrf}); r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	replay := s.browser(t)
	u, _ := url.Parse(s.URL)
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: "waymark_session", Value: cookie.Value}})
	if info := replay.session(); info.SignedIn {
		t.Error("a signed-out session still works")
	}

	// A session ends at its time, by the chat's clock.
	s.clock.Advance(8*time.Hour + time.Second)
	if info := b2.session(); info.SignedIn {
		t.Error("a session past its TTL still works")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestOIDCBadTokensRefused: an ID token that is forged (signed with
// another key), expired, for another client, from another issuer or
// without this sign-in's nonce signs no one in; nor does a callback with
// another browser's state, or one used twice.
func TestOIDCBadTokensRefused(t *testing.T) {
	s := newSigninServer(t, false)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		tweak func(map[string]any) *rsa.PrivateKey
	}{
		{"forged", func(map[string]any) *rsa.PrivateKey { return other }},
		{"expired", func(c map[string]any) *rsa.PrivateKey {
			c["exp"] = s.clock.Now().Add(-time.Minute).Unix()
			return nil
		}},
		{"wrong audience", func(c map[string]any) *rsa.PrivateKey { c["aud"] = "someone-elses-app"; return nil }},
		{"wrong issuer", func(c map[string]any) *rsa.PrivateKey { c["iss"] = "https://login.example/other"; return nil }},
		{"wrong nonce", func(c map[string]any) *rsa.PrivateKey { c["nonce"] = "not-this-sign-in"; return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.idp.mu.Lock()
			s.idp.token = tc.tweak
			s.idp.mu.Unlock()
			b := s.browser(t)
			r := s.signInWithProvider(b, "mallory", "Mallory")
			if r.status != http.StatusUnauthorized {
				t.Errorf("callback: %d %s, want 401", r.status, r.body)
			}
			if info := b.session(); info.SignedIn {
				t.Errorf("signed in with a %s token", tc.name)
			}
		})
	}
	s.idp.mu.Lock()
	s.idp.token = nil
	s.idp.mu.Unlock()

	// Another browser's state: the login was started elsewhere.
	victim, attacker := s.browser(t), s.browser(t)
	r := attacker.do(http.MethodGet, "/auth/login", "", "", nil)
	loc, _ := url.Parse(r.header.Get("Location"))
	code := s.idp.authorize(t, loc.Query(), "attacker", "Attacker")
	cb := web.CallbackPath + "?code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(loc.Query().Get("state"))
	if r := victim.do(http.MethodGet, cb, "", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("a callback with another browser's state: %d, want 401", r.status)
	}
	// Used twice: the second is refused.
	if r := attacker.do(http.MethodGet, cb, "", "", nil); r.status != http.StatusSeeOther {
		t.Fatalf("the right callback: %d %s", r.status, r.body)
	}
	if r := attacker.do(http.MethodGet, cb, "", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("a callback replayed: %d, want 401", r.status)
	}
}

// TestOneTimeLink: a link made for a Slack user signs a browser in as
// them once; opening it (as a link preview would) uses nothing; a second
// use, or a use after its time, is refused.
func TestOneTimeLink(t *testing.T) {
	s := newSigninServer(t, true)
	ctx := t.Context()
	person := bot.Person{Platform: bot.PlatformSlack, TeamID: "T061EG9R6", UserID: "U0PRAC7", Name: "Sam Okafor"}
	link, ttl, err := s.signin.WebLink(ctx, person)
	if err != nil || ttl != 10*time.Minute || !strings.HasPrefix(link, s.URL+web.LinkPath+"?t=") {
		t.Fatalf("WebLink = %q, %s, %v", link, ttl, err)
	}
	secret := strings.TrimPrefix(link, s.URL+web.LinkPath+"?t=")
	b := s.browser(t)
	for range 2 { // a preview, then the person
		if r := b.do(http.MethodGet, link, "", "", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `name="t" value="`+secret+`"`) {
			t.Fatalf("GET link: %d %s", r.status, r.body)
		}
	}
	if info := b.session(); info.SignedIn {
		t.Fatal("opening the link signed in without the button")
	}
	form := "t=" + url.QueryEscape(secret)
	if r := b.do(http.MethodPost, web.LinkPath, "application/x-www-form-urlencoded", form, nil); r.status != http.StatusSeeOther {
		t.Fatalf("POST link: %d %s", r.status, r.body)
	}
	if info := b.session(); !info.SignedIn || info.Name != "Sam Okafor" {
		t.Fatalf("after the link: %+v", info)
	}
	b.ask("who is the LADO", true)
	if ms := s.rec.messages(); len(ms) != 1 || ms[0].UserName != "Sam Okafor" || strings.Contains(ms[0].UserID, "U0PRAC7") {
		t.Errorf("messages %+v", ms)
	}
	second := s.browser(t)
	if r := second.do(http.MethodPost, web.LinkPath, "application/x-www-form-urlencoded", form, nil); r.status != http.StatusUnauthorized {
		t.Errorf("the link used twice: %d, want 401", r.status)
	}
	if info := second.session(); info.SignedIn {
		t.Error("the second use signed in")
	}

	late, _, err := s.signin.WebLink(ctx, person)
	if err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(10*time.Minute + time.Second)
	lb := s.browser(t)
	lateForm := "t=" + url.QueryEscape(strings.TrimPrefix(late, s.URL+web.LinkPath+"?t="))
	if r := lb.do(http.MethodPost, web.LinkPath, "application/x-www-form-urlencoded", lateForm, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a link after its time: %d, want 401", r.status)
	}
	// Another site's page cannot post a link for the browser.
	fresh, _, _ := s.signin.WebLink(ctx, person)
	freshForm := "t=" + url.QueryEscape(strings.TrimPrefix(fresh, s.URL+web.LinkPath+"?t="))
	if r := s.browser(t).do(http.MethodPost, web.LinkPath, "application/x-www-form-urlencoded", freshForm, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}); r.status != http.StatusForbidden {
		t.Errorf("a cross-site post of a link: %d, want 403", r.status)
	}
	if _, _, err := s.signin.WebLink(ctx, bot.Person{Platform: bot.PlatformWeb, UserID: "u1"}); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("a link for a web user: %v, want invalid", err)
	}
}

// TestSignedInInboxIsTheirOwn: a second person cannot read the first's
// notes, whatever session id they send.
func TestSignedInInboxIsTheirOwn(t *testing.T) {
	s := newSigninServer(t, false)
	a, m := s.browser(t), s.browser(t)
	s.signInWithProvider(a, "alice", "Alice Carter")
	s.signInWithProvider(m, "mallory", "Mallory Hale")
	a.session()
	m.session()
	a.ask("hello", true)
	alice := s.rec.messages()[0]
	mustNotify(t, s.store, bot.Target{Platform: bot.PlatformWeb, Kind: bot.TargetUser, ID: alice.UserID}, bot.Reply{Text: "Dr Rees has your consultation request WM-000001."})

	read := func(b *browser, query string) web.Notifications {
		r := b.do(http.MethodGet, "/api/inbox"+query, "", "", map[string]string{"X-CSRF-Token": b.csrf})
		var n web.Notifications
		if r.status != http.StatusOK || json.Unmarshal(r.body, &n) != nil {
			t.Fatalf("inbox: %d %s", r.status, r.body)
		}
		return n
	}
	if n := read(m, "?session="+alice.UserID); len(n.Replies) != 0 {
		t.Errorf("Mallory read Alice's notes: %+v", n)
	}
	if n := read(a, ""); len(n.Replies) != 1 || !strings.Contains(n.Replies[0].Text, "WM-000001") {
		t.Errorf("Alice's notes: %+v", n)
	}
	if r := m.do(http.MethodGet, "/api/inbox", "", "", nil); r.status != http.StatusForbidden {
		t.Errorf("inbox without the CSRF token: %d, want 403", r.status)
	}
}

// TestSignInHostChecked: a request addressed to another name (DNS
// rebinding) is refused; the public host and loopback are answered.
func TestSignInHostChecked(t *testing.T) {
	s := newSigninServer(t, false)
	b := s.browser(t)
	if r := b.do(http.MethodGet, "/api/session", "", "", map[string]string{}); r.status != http.StatusOK {
		t.Fatalf("own host: %d", r.status)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/session", nil)
	req.Host = "rebind.attacker.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("another host: %d, want 403", resp.StatusCode)
	}
}

// TestWebCommandSendsLink: "web", sent to the real engine in a Slack DM,
// answers privately with a one-time link that signs that person in; in a
// channel, where others would see it, it is refused; the web chat's own
// "web" says it is there already.
func TestWebCommandSendsLink(t *testing.T) {
	s := newSigninServer(t, true)
	kb, area := mustSampleKnowledge(t)
	engine := bot.NewEngine(kb, s.store, bot.EngineOptions{Clock: fixedClock{}, DefaultArea: area, WebLinks: s.signin})
	dm := bot.Message{Platform: bot.PlatformSlack, ID: "Ev1", TeamID: "T061EG9R6", ConversationID: "D0DM1", UserID: "U0PRAC7", UserName: "Sam Okafor", Text: "web"}
	reply, err := engine.Handle(t.Context(), dm)
	if err != nil {
		t.Fatal(err)
	}
	found := regexp.MustCompile(regexp.QuoteMeta(s.URL+web.LinkPath) + `\?t=([A-Za-z0-9_-]+)`).FindStringSubmatch(reply.Text)
	if !reply.Ephemeral || found == nil || !strings.Contains(reply.Text, "works once") || !strings.Contains(reply.Text, "10 minutes") {
		t.Fatalf("reply %+v", reply)
	}
	b := s.browser(t)
	if r := b.do(http.MethodPost, web.LinkPath, "application/x-www-form-urlencoded", "t="+found[1], nil); r.status != http.StatusSeeOther {
		t.Fatalf("POST link: %d %s", r.status, r.body)
	}
	if info := b.session(); info.Name != "Sam Okafor" {
		t.Errorf("signed in as %+v", info)
	}

	channel := dm
	channel.Shared, channel.ConversationID = true, "C0CHAN"
	if _, err := engine.Handle(t.Context(), channel); bot.ErrorKind(err) != bot.EInvalid || !strings.Contains(bot.ErrorMessage(err), "direct message") {
		t.Errorf("web in a channel: %v", err)
	}
	onWeb := bot.Message{Platform: bot.PlatformWeb, ConversationID: "u1", UserID: "u1", Text: "web"}
	if _, err := engine.Handle(t.Context(), onWeb); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("web on the web: %v", err)
	}
	if help, _ := engine.Handle(t.Context(), bot.Message{Platform: bot.PlatformSlack, ConversationID: "D0DM1", UserID: "U0PRAC7", Text: "help"}); !strings.Contains(help.Text, "• web:") {
		t.Errorf("help does not mention web:\n%s", help.Text)
	}
}

// TestAddressLimit: past the per-address limit the chat answers 429 with
// what to do instead, whatever session id the page sends.
func TestAddressLimit(t *testing.T) {
	store := mustInboxStore(t)
	clock := clocktest.At(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	rec := &recorder{reply: bot.Reply{Text: "ok"}}
	s := handlers.NewServer(slog.New(slog.DiscardHandler), nil)
	s.Mount(web.New(rec, nil).WithAddressLimit(store, bot.Limit{Max: 2, Per: time.Minute}, clock.Now).Routes()...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	ts := &testServer{Server: srv, h: rec}
	for i, sess := range []string{"session-aaaaaaaa", "session-bbbbbbbb"} {
		if r := ts.post(t, map[string]any{"session": sess, "text": "who is the LADO"}); r.status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, r.status)
		}
	}
	r := ts.post(t, map[string]any{"session": "session-cccccccc", "text": "who is the LADO"})
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.errorMessage(t), "999") {
		t.Fatalf("third request from one address: %d %s", r.status, r.body)
	}
	if n := len(rec.messages()); n != 2 {
		t.Errorf("%d messages reached the engine, want 2", n)
	}
	clock.Advance(time.Minute)
	if r := ts.post(t, map[string]any{"session": "session-cccccccc", "text": "who is the LADO"}); r.status != http.StatusOK {
		t.Errorf("the next window: %d", r.status)
	}
}

// TestOIDCAllowedGroups: with allowed groups configured, a person the
// provider signs in who is in none of them is refused, saying why; one in
// a group is let in.
func TestOIDCAllowedGroups(t *testing.T) {
	clock := clocktest.At(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	idp := startOIDCProvider(t, clock.Now)
	store := mustInboxStore(t)
	srv := httptest.NewUnstartedServer(nil)
	cfg := config.WebConfig{
		PublicURL: "http://" + srv.Listener.Addr().String(), SessionTTL: time.Hour, LinkTTL: 10 * time.Minute,
		OIDC: config.OIDCConfig{Issuer: idp.URL, ClientID: oidcClientID, ClientSecret: oidcClientSecret, NameClaim: "name",
			AllowedGroups: []string{"aaaa-safeguarding-group"}},
	}
	si, err := web.NewSignIn(web.SignInConfig{Web: cfg, Tokens: store, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h := handlers.NewServer(slog.New(slog.DiscardHandler), nil)
	h.Mount(web.New(&recorder{}, nil).WithSignIn(si).Routes()...)
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	s := &signinServer{Server: srv, store: store, signin: si, clock: clock, idp: idp}
	for _, tc := range []struct {
		groups []any
		status int
	}{
		{nil, http.StatusForbidden},
		{[]any{"bbbb-finance"}, http.StatusForbidden},
		{[]any{"bbbb-finance", "AAAA-safeguarding-group"}, http.StatusSeeOther},
	} {
		idp.mu.Lock()
		idp.token = func(c map[string]any) *rsa.PrivateKey {
			if tc.groups != nil {
				c["groups"] = tc.groups
			}
			return nil
		}
		idp.mu.Unlock()
		b := s.browser(t)
		r := s.signInWithProvider(b, "someone", "Someone")
		if r.status != tc.status {
			t.Errorf("groups %v: %d %s, want %d", tc.groups, r.status, r.body, tc.status)
		}
		if tc.status == http.StatusForbidden && (!strings.Contains(string(r.body), "not in a group allowed") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html")) {
			t.Errorf("groups %v: %s", tc.groups, r.body)
		}
		if info := b.session(); info.SignedIn != (tc.status == http.StatusSeeOther) {
			t.Errorf("groups %v: signed in %v", tc.groups, info.SignedIn)
		}
	}
}

// TestAddressBehindTrustedProxy: behind a trusted proxy, the limit counts
// the client the proxy names, not the proxy; a client cannot escape by
// forging X-Forwarded-For when it is not behind one.
func TestAddressBehindTrustedProxy(t *testing.T) {
	store := mustInboxStore(t)
	clock := clocktest.At(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	rec := &recorder{reply: bot.Reply{Text: "ok"}}
	s := handlers.NewServer(slog.New(slog.DiscardHandler), nil)
	proxy := netip.MustParsePrefix("127.0.0.0/8")
	s.Mount(web.New(rec, nil).WithAddressLimit(store, bot.Limit{Max: 1, Per: time.Minute}, clock.Now, proxy).Routes()...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	ts := &testServer{Server: srv, h: rec}
	post := func(xff string) int {
		h := http.Header{}
		if xff != "" {
			h.Set("X-Forwarded-For", xff)
		}
		return ts.do(t, http.MethodPost, "/api/chat", "application/json", `{"session":"session-aaaaaaaa","text":"who is the LADO"}`, h).status
	}
	// Two clients behind the proxy: each has its own count.
	if post("203.0.113.7") != http.StatusOK || post("203.0.113.8") != http.StatusOK {
		t.Fatal("two clients behind the proxy were not each allowed one")
	}
	if got := post("198.51.100.1, 203.0.113.7"); got != http.StatusTooManyRequests {
		t.Errorf("the first client again, with a forged hop before the proxy's: %d, want 429", got)
	}
}
