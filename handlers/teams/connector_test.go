package teams_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers/teams"
)

const (
	connAppID  = "00000000-aaaa-bbbb-cccc-000000000002"
	connSecret = "s3cret-value-never-shown"
)

// recorded is one request the fake Connector received.
type recorded struct {
	Method, Path, Auth string
	Body               []byte
}

// answer is one canned Connector response; the zero value is 200.
type answer struct {
	status     int
	retryAfter string
	body       string // written after status, when status is set
}

// connFixture is a local token server and a fake Connector that record what
// they receive, and a fake clock and sleep.
type connFixture struct {
	token, conn *httptest.Server

	mu         sync.Mutex
	now        time.Time
	expiresIn  int
	tokenDelay time.Duration
	tokenForms []url.Values
	reqs       []recorded
	answers    []answer
	sleeps     []time.Duration
}

func newConnFixture(tb testing.TB) *connFixture {
	tb.Helper()
	f := &connFixture{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), expiresIn: 3600}
	f.token = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		f.tokenForms = append(f.tokenForms, r.PostForm)
		n, exp, delay := len(f.tokenForms), f.expiresIn, f.tokenDelay
		f.mu.Unlock()
		time.Sleep(delay)
		writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": exp, "access_token": fmt.Sprintf("token-%d", n)})
	}))
	f.conn = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{Method: r.Method, Path: r.URL.EscapedPath(), Auth: r.Header.Get("Authorization"), Body: body})
		n := len(f.reqs)
		var a answer
		if len(f.answers) > 0 {
			a, f.answers = f.answers[0], f.answers[1:]
		}
		f.mu.Unlock()
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		if a.status != 0 {
			w.WriteHeader(a.status)
			_, _ = io.WriteString(w, a.body)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/v3/conversations") {
			writeJSON(w, map[string]any{"id": "a:conv-1"})
			return
		}
		writeJSON(w, map[string]any{"id": fmt.Sprintf("act-%d", n)})
	}))
	tb.Cleanup(f.token.Close)
	tb.Cleanup(f.conn.Close)
	return f
}

// client trusts the servers' test certificate and, like the Connector's
// own default client, keeps a connection per worker for reuse.
func (f *connFixture) client() *http.Client {
	c := f.token.Client()
	t := c.Transport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	c.Transport = t
	return c
}

func (f *connFixture) config() teams.ConnectorConfig {
	return teams.ConnectorConfig{
		AppID:              connAppID,
		AppSecret:          connSecret,
		TokenURL:           f.token.URL + "/token",
		AllowedServiceURLs: []string{f.conn.URL + "/"},
		HTTPClient:         f.client(), // both servers share the test certificate
		Now: func() time.Time {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.now
		},
		Sleep: func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.sleeps = append(f.sleeps, d)
			return ctx.Err()
		},
	}
}

func (f *connFixture) serviceURL() string { return f.conn.URL + "/amer/" }

func (f *connFixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *connFixture) answer(as ...answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers = append(f.answers, as...)
}

func (f *connFixture) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *connFixture) tokenFetches() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tokenForms)
}

func (f *connFixture) slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

func mustConnector(tb testing.TB, cfg teams.ConnectorConfig) *teams.Connector {
	tb.Helper()
	c, err := teams.NewConnector(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func hello() map[string]any { return teams.Activity(bot.Reply{Text: "hello"}) }

// checkSafe fails if err's text carries the secret or a token.
func checkSafe(tb testing.TB, err error) {
	tb.Helper()
	if s := err.Error(); strings.Contains(s, connSecret) || strings.Contains(s, "token-") {
		tb.Errorf("error leaks a secret: %s", s)
	}
}

func TestConnectorTokenFetchedOnceAndReused(t *testing.T) {
	f := newConnFixture(t)
	c := mustConnector(t, f.config())
	for i := range 3 {
		id, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello())
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("act-%d", i+1); id != want {
			t.Errorf("id = %q, want %q", id, want)
		}
	}
	if n := f.tokenFetches(); n != 1 {
		t.Errorf("token fetched %d times, want 1", n)
	}
	for _, r := range f.requests() {
		if r.Auth != "Bearer token-1" || r.Method != http.MethodPost {
			t.Errorf("request %s with Authorization %q", r.Method, r.Auth)
		}
	}
	form := f.tokenForms[0]
	want := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {connAppID},
		"client_secret": {connSecret},
		"scope":         {teams.DefaultScope},
	}
	if !reflect.DeepEqual(form, want) {
		t.Errorf("token form = %v, want %v", form, want)
	}
}

func TestConnectorTokenRefreshedBeforeExpiry(t *testing.T) {
	f := newConnFixture(t)
	c := mustConnector(t, f.config())
	send := func() recorded {
		t.Helper()
		if _, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello()); err != nil {
			t.Fatal(err)
		}
		reqs := f.requests()
		return reqs[len(reqs)-1]
	}
	send()
	f.advance(54 * time.Minute) // 6 min left: still used
	if r := send(); r.Auth != "Bearer token-1" || f.tokenFetches() != 1 {
		t.Fatalf("at 54 min: auth %q, %d fetches", r.Auth, f.tokenFetches())
	}
	f.advance(time.Minute) // 5 min left: replaced
	if r := send(); r.Auth != "Bearer token-2" || f.tokenFetches() != 2 {
		t.Fatalf("at 55 min: auth %q, %d fetches", r.Auth, f.tokenFetches())
	}
}

func TestConnectorUnauthorizedRefreshesOnce(t *testing.T) {
	f := newConnFixture(t)
	c := mustConnector(t, f.config())
	f.answer(answer{status: http.StatusUnauthorized})
	if _, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello()); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].Auth != "Bearer token-1" || reqs[1].Auth != "Bearer token-2" {
		t.Fatalf("requests = %+v, want token-1 then token-2", reqs)
	}
	if len(f.slept()) != 0 {
		t.Errorf("slept %v before the refresh, want no wait", f.slept())
	}

	// A second 401 after the refresh is not retried again.
	f.answer(answer{status: http.StatusUnauthorized}, answer{status: http.StatusUnauthorized})
	_, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello())
	if bot.ErrorKind(err) != bot.EInternal {
		t.Fatalf("err = %v, want %s", err, bot.EInternal)
	}
	checkSafe(t, err)
	if n := len(f.requests()); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
	if n := f.tokenFetches(); n != 3 {
		t.Errorf("%d token fetches, want 3", n)
	}
}

func TestConnectorRetries(t *testing.T) {
	tests := []struct {
		name      string
		answers   []answer
		kind      string
		requests  int
		sleeps    []time.Duration
		maxRetry  int
		wantInErr string
	}{
		{
			name:     "429 honours Retry-After",
			answers:  []answer{{status: 429, retryAfter: "2"}},
			requests: 2,
			sleeps:   []time.Duration{2 * time.Second},
		},
		{
			name:     "429 Retry-After capped at 30s",
			answers:  []answer{{status: 429, retryAfter: "120"}},
			requests: 2,
			sleeps:   []time.Duration{30 * time.Second},
		},
		{
			name:     "429 without Retry-After backs off",
			answers:  []answer{{status: 429}},
			requests: 2,
			sleeps:   []time.Duration{200 * time.Millisecond},
		},
		{
			name:     "503 twice then success",
			answers:  []answer{{status: 503}, {status: 503}},
			requests: 3,
			sleeps:   []time.Duration{200 * time.Millisecond, 400 * time.Millisecond},
		},
		{
			name:      "503 until retries are exhausted",
			answers:   []answer{{status: 503}, {status: 503}, {status: 503}, {status: 503}, {status: 503}},
			kind:      bot.EUnavailable,
			requests:  4,
			sleeps:    []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond},
			wantInErr: "503",
		},
		{
			// The message may have been posted before the 500: a second
			// POST could show it twice.
			name:      "500 to a new message is not sent again",
			answers:   []answer{{status: 500}},
			kind:      bot.EUnavailable,
			requests:  1,
			wantInErr: "500",
		},
		{
			name:      "502 to a new message is not sent again",
			answers:   []answer{{status: 502}},
			kind:      bot.EUnavailable,
			requests:  1,
			wantInErr: "502",
		},
		{
			name:      "no retries when MaxRetries is negative",
			answers:   []answer{{status: 503}},
			kind:      bot.EUnavailable,
			requests:  1,
			maxRetry:  -1,
			wantInErr: "503",
		},
		{
			name:      "400 is not retried",
			answers:   []answer{{status: 400}},
			kind:      bot.EInternal,
			requests:  1,
			wantInErr: "400",
		},
		{
			name:      "403 is not retried",
			answers:   []answer{{status: 403}},
			kind:      bot.EInternal,
			requests:  1,
			wantInErr: "403",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newConnFixture(t)
			cfg := f.config()
			cfg.MaxRetries = tt.maxRetry
			c := mustConnector(t, cfg)
			f.answer(tt.answers...)
			id, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello())
			if got := bot.ErrorKind(err); got != tt.kind {
				t.Fatalf("kind = %q (%v), want %q", got, err, tt.kind)
			}
			if err != nil {
				checkSafe(t, err)
				if !strings.Contains(err.Error(), tt.wantInErr) {
					t.Errorf("err = %v, want it to mention %s", err, tt.wantInErr)
				}
			} else if id == "" {
				t.Error("no activity id after success")
			}
			if n := len(f.requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			if got := f.slept(); !reflect.DeepEqual(got, tt.sleeps) && (len(got) != 0 || len(tt.sleeps) != 0) {
				t.Errorf("slept %v, want %v", got, tt.sleeps)
			}
			if n := f.tokenFetches(); n != 1 {
				t.Errorf("%d token fetches, want 1", n)
			}
		})
	}
}

func TestConnectorRetryStopsWhenContextDone(t *testing.T) {
	f := newConnFixture(t)
	cfg := f.config()
	cfg.Sleep = nil // the real sleep, with the context
	cfg.RetryBase = time.Hour
	c := mustConnector(t, cfg)
	f.answer(answer{status: 503})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Send(ctx, f.serviceURL(), "a:conv", hello())
	if bot.ErrorKind(err) != bot.EUnavailable {
		t.Fatalf("err = %v, want %s", err, bot.EUnavailable)
	}
}

func TestConnectorRefusesServiceURL(t *testing.T) {
	f := newConnFixture(t)
	cfg := f.config()
	cfg.AllowedServiceURLs = nil // the default, smba.trafficmanager.net
	c := mustConnector(t, cfg)
	for _, u := range []string{
		f.serviceURL(),
		"https://evil.example/",
		"http://smba.trafficmanager.net/amer/",
		"https://smba.trafficmanager.net.evil.example/amer/",
		"https://user@smba.trafficmanager.net/amer/",
		"https://smba.trafficmanager.net/amer/?x=1",
		"smba.trafficmanager.net/amer/",
		"",
	} {
		_, err := c.Send(context.Background(), u, "a:conv", hello())
		if bot.ErrorKind(err) != bot.EForbidden {
			t.Errorf("Send to %q: err = %v, want %s", u, err, bot.EForbidden)
		}
		_, err = c.CreateConversation(context.Background(), u, "tenant", "28:bot", "29:user")
		if bot.ErrorKind(err) != bot.EForbidden {
			t.Errorf("CreateConversation at %q: err = %v, want %s", u, err, bot.EForbidden)
		}
	}
	if n, t2 := len(f.requests()), f.tokenFetches(); n != 0 || t2 != 0 {
		t.Errorf("%d connector requests and %d token fetches, want none", n, t2)
	}
}

// roundTripper records the URLs asked for and answers every one with a
// token or an activity id, so that real Microsoft URLs can be checked
// without a network.
type roundTripper struct {
	mu   sync.Mutex
	urls []string
}

func (rt *roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.urls = append(rt.urls, r.URL.String())
	rt.mu.Unlock()
	body := `{"id":"act-1"}`
	if r.URL.Host == "login.microsoftonline.com" {
		body = `{"token_type":"Bearer","expires_in":"3599","access_token":"token-1"}`
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

func TestConnectorTokenURL(t *testing.T) {
	tests := []struct{ tenant, want string }{
		{"", "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"},
		{"contoso-0001", "https://login.microsoftonline.com/contoso-0001/oauth2/v2.0/token"},
	}
	for _, tt := range tests {
		rt := &roundTripper{}
		c := mustConnector(t, teams.ConnectorConfig{AppID: connAppID, AppSecret: connSecret, TenantID: tt.tenant, HTTPClient: &http.Client{Transport: rt}})
		if _, err := c.Send(context.Background(), "https://smba.trafficmanager.net/emea/", "a:conv", hello()); err != nil {
			t.Fatal(err)
		}
		want := []string{tt.want, "https://smba.trafficmanager.net/emea/v3/conversations/a:conv/activities"}
		if !reflect.DeepEqual(rt.urls, want) {
			t.Errorf("tenant %q: requests %v, want %v", tt.tenant, rt.urls, want)
		}
	}
}

func TestConnectorCreateConversation(t *testing.T) {
	f := newConnFixture(t)
	c := mustConnector(t, f.config())
	id, err := c.CreateConversation(context.Background(), f.serviceURL(), "tenant-1", "28:bot", "29:user")
	if err != nil {
		t.Fatal(err)
	}
	if id != "a:conv-1" {
		t.Errorf("id = %q, want a:conv-1", id)
	}
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].Path != "/amer/v3/conversations" {
		t.Fatalf("requests = %+v, want one to /amer/v3/conversations", reqs)
	}
	var got map[string]any
	if err := json.Unmarshal(reqs[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"bot":         map[string]any{"id": "28:bot"},
		"members":     []any{map[string]any{"id": "29:user"}},
		"isGroup":     false,
		"tenantId":    "tenant-1",
		"channelData": map[string]any{"tenant": map[string]any{"id": "tenant-1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body = %v, want %v", got, want)
	}

	_, err = c.CreateConversation(context.Background(), f.serviceURL(), "", "28:bot", "")
	if bot.ErrorKind(err) != bot.EInvalid || !strings.Contains(err.Error(), "tenant ID, user ID") {
		t.Errorf("missing fields: err = %v, want %s naming both", err, bot.EInvalid)
	}
}

func TestConnectorSendsActivityAsGiven(t *testing.T) {
	f := newConnFixture(t)
	c := mustConnector(t, f.config())
	activity := teams.Activity(bot.Reply{Text: "Call the **duty officer**."})
	if _, err := c.Reply(context.Background(), f.serviceURL(), "19:abc@thread.skype;messageid=7", "1/2", activity); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(context.Background(), strings.TrimSuffix(f.serviceURL(), "/"), "a:conv", activity); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	wantPaths := []string{
		"/amer/v3/conversations/19:abc@thread.skype%3Bmessageid=7/activities/1%2F2",
		"/amer/v3/conversations/a:conv/activities",
	}
	for i, r := range reqs {
		if r.Path != wantPaths[i] {
			t.Errorf("path = %q, want %q", r.Path, wantPaths[i])
		}
		var got map[string]any
		if err := json.Unmarshal(r.Body, &got); err != nil {
			t.Fatal(err)
		}
		if want := decode(t, activity); !reflect.DeepEqual(got, want) {
			t.Errorf("body = %v, want %v", got, want)
		}
	}

	for _, tc := range []struct {
		conv     string
		activity map[string]any
	}{{"", activity}, {"a:conv", nil}} {
		if _, err := c.Send(context.Background(), f.serviceURL(), tc.conv, tc.activity); bot.ErrorKind(err) != bot.EInvalid {
			t.Errorf("Send(%q, %v): err = %v, want %s", tc.conv, tc.activity, err, bot.EInvalid)
		}
	}
}

func TestConnectorConcurrentSendsFetchTokenOnce(t *testing.T) {
	f := newConnFixture(t)
	f.tokenDelay = 50 * time.Millisecond
	c := mustConnector(t, f.config())
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			if _, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := f.tokenFetches(); n != 1 {
		t.Errorf("token fetched %d times, want 1", n)
	}
	if n := len(f.requests()); n != 20 {
		t.Errorf("%d requests, want 20", n)
	}
}

func TestConnectorTokenFailures(t *testing.T) {
	for _, tc := range []struct {
		status int
		kind   string
	}{{401, bot.EInternal}, {400, bot.EInternal}, {503, bot.EUnavailable}} {
		tok := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":"invalid_client"}`, tc.status)
		}))
		f := newConnFixture(t)
		cfg := f.config()
		cfg.TokenURL = tok.URL
		c := mustConnector(t, cfg)
		_, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello())
		tok.Close()
		if bot.ErrorKind(err) != tc.kind {
			t.Errorf("token status %d: err = %v, want %s", tc.status, err, tc.kind)
			continue
		}
		checkSafe(t, err)
		if n := len(f.requests()); n != 0 {
			t.Errorf("token status %d: %d connector requests, want none", tc.status, n)
		}
	}
}

func TestConnectorAcceptedWithUnreadableBody(t *testing.T) {
	for _, a := range []answer{
		{status: http.StatusCreated, body: "Created"},
		{status: http.StatusOK, body: `{"id":`},
		{status: http.StatusOK, body: `{"id":7}`},
		{status: http.StatusAccepted},
	} {
		f := newConnFixture(t)
		c := mustConnector(t, f.config())
		f.answer(a, a)
		id, err := c.Reply(context.Background(), f.serviceURL(), "a:conv", "1/2", hello())
		if err != nil || id != "" {
			t.Errorf("Reply answered %d %q: id %q, err = %v, want no id and no error", a.status, a.body, id, err)
		}
		id, err = c.Send(context.Background(), f.serviceURL(), "a:conv", hello())
		if err != nil || id != "" {
			t.Errorf("Send answered %d %q: id %q, err = %v, want no id and no error", a.status, a.body, id, err)
		}
		if n := len(f.requests()); n != 2 {
			t.Errorf("answered %d %q: %d requests, want 2", a.status, a.body, n)
		}
	}
}

func TestConnectorCreateConversationUnreadableBody(t *testing.T) {
	for _, a := range []answer{
		{status: http.StatusCreated, body: "Created"},
		{status: http.StatusOK, body: `{"id":7}`},
		{status: http.StatusOK},
	} {
		f := newConnFixture(t)
		c := mustConnector(t, f.config())
		f.answer(a)
		id, err := c.CreateConversation(context.Background(), f.serviceURL(), "tenant-1", "28:bot", "29:user")
		if bot.ErrorKind(err) != bot.EInternal || id != "" {
			t.Errorf("answered %d %q: id %q, err = %v, want %s", a.status, a.body, id, err, bot.EInternal)
			continue
		}
		if s := teams.Status(err); s != 0 {
			t.Errorf("answered %d %q: Status = %d, want 0: the Connector did not refuse", a.status, a.body, s)
		}
		if n := len(f.requests()); n != 1 {
			t.Errorf("answered %d %q: %d requests, want 1", a.status, a.body, n)
		}
	}
}

func TestConnectorStatus(t *testing.T) {
	const text = "Call the duty officer about the child in room 4."
	activity := teams.Activity(bot.Reply{Text: text})
	tests := []struct {
		name    string
		answers []answer
		reply   bool
		kind    string
		status  int
	}{
		{"reply 404", []answer{{status: 404, body: text}}, true, bot.EInternal, 404},
		{"reply 400", []answer{{status: 400, body: text}}, true, bot.EInternal, 400},
		{"send 403", []answer{{status: 403}}, false, bot.EInternal, 403},
		{"401 after the refresh", []answer{{status: 401}, {status: 401}}, true, bot.EInternal, 401},
		{"503 after retries", []answer{{status: 503}, {status: 503}, {status: 503}, {status: 503, body: text}}, true, bot.EUnavailable, 503},
		{"429 after retries", []answer{{status: 429}, {status: 429}, {status: 429}, {status: 429}}, false, bot.EUnavailable, 429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newConnFixture(t)
			c := mustConnector(t, f.config())
			f.answer(tt.answers...)
			replyTo := ""
			if tt.reply {
				replyTo = "1/2"
			}
			_, err := c.Reply(context.Background(), f.serviceURL(), "a:conv", replyTo, activity)
			if got := bot.ErrorKind(err); got != tt.kind {
				t.Fatalf("kind = %q (%v), want %q", got, err, tt.kind)
			}
			if got := teams.Status(err); got != tt.status {
				t.Errorf("Status = %d (%v), want %d", got, err, tt.status)
			}
			var se *teams.StatusError
			if !errors.As(err, &se) || se.Attempts != len(tt.answers) {
				t.Errorf("err = %v, want a *StatusError after %d attempts", err, len(tt.answers))
			}
			checkSafe(t, err)
			if strings.Contains(err.Error(), "duty officer") {
				t.Errorf("error quotes the message text: %v", err)
			}
		})
	}

	if got := teams.Status(nil); got != 0 {
		t.Errorf("Status(nil) = %d, want 0", got)
	}
	if got := teams.Status(errors.New("status 404")); got != 0 {
		t.Errorf("Status(plain error) = %d, want 0", got)
	}
	f := newConnFixture(t)
	cfg := f.config()
	cfg.AllowedServiceURLs = nil
	c := mustConnector(t, cfg)
	if _, err := c.Send(context.Background(), "https://evil.example/", "a:conv", activity); err == nil || teams.Status(err) != 0 {
		t.Errorf("refused service URL: err = %v, Status = %d, want an error and 0", err, teams.Status(err))
	}
}

func TestConnectorTokenRefusalHasNoStatus(t *testing.T) {
	for _, status := range []int{400, 401, 403, 503} {
		tok := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":"invalid_client"}`, status)
		}))
		f := newConnFixture(t)
		cfg := f.config()
		cfg.TokenURL = tok.URL
		c := mustConnector(t, cfg)
		_, err := c.Reply(context.Background(), f.serviceURL(), "a:conv", "1/2", hello())
		tok.Close()
		if err == nil {
			t.Fatalf("token status %d: no error", status)
		}
		if got := teams.Status(err); got != 0 {
			t.Errorf("token status %d: Status = %d (%v), want 0", status, got, err)
		}
	}

	// A token refused while refreshing after a 401 is no Connector status
	// either.
	var refuse atomic.Bool
	tok := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuse.Load() {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": "token-1"})
	}))
	defer tok.Close()
	f := newConnFixture(t)
	cfg := f.config()
	cfg.TokenURL = tok.URL
	c := mustConnector(t, cfg)
	if _, err := c.Send(context.Background(), f.serviceURL(), "a:conv", hello()); err != nil {
		t.Fatal(err)
	}
	refuse.Store(true)
	f.answer(answer{status: http.StatusUnauthorized})
	_, err := c.Reply(context.Background(), f.serviceURL(), "a:conv", "1/2", hello())
	if bot.ErrorKind(err) != bot.EInternal || teams.Status(err) != 0 {
		t.Errorf("token refused on refresh: err = %v, Status = %d, want %s and 0", err, teams.Status(err), bot.EInternal)
	}
}

func TestConnectorConfigValidate(t *testing.T) {
	err := teams.ConnectorConfig{
		AppSecret:          " ",
		TenantID:           "../evil",
		TokenURL:           "http://login.example/token",
		AllowedServiceURLs: []string{"http://smba.trafficmanager.net/", "https://smba.trafficmanager.net"},
		RetryBase:          -time.Second,
	}.Validate()
	if bot.ErrorKind(err) != bot.EInvalid {
		t.Fatalf("err = %v, want %s", err, bot.EInvalid)
	}
	for _, want := range []string{"app ID", "app secret", "tenant ID", "token URL", `"http://smba.trafficmanager.net/" must be an https URL`, "must end in /", "retry base"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to mention %s", err, want)
		}
	}
	if _, err := teams.NewConnector(teams.ConnectorConfig{AppID: connAppID}); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("NewConnector without a secret: err = %v, want %s", err, bot.EInvalid)
	}
	err = teams.ConnectorConfig{AppSecret: connSecret}.Validate()
	checkSafe(t, err)
	if err := (teams.ConnectorConfig{AppID: connAppID, AppSecret: connSecret}).Validate(); err != nil {
		t.Errorf("minimal config: %v", err)
	}
}

// TestCheckToken: the start-up check of the bot's credentials: a token is
// fetched; a refusal is EUnauthorized, naming what to check; a token
// service that cannot be reached is EUnavailable, to be tried again.
func TestCheckToken(t *testing.T) {
	var status atomic.Int32
	tok := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := int(status.Load()); s != 0 {
			http.Error(w, `{"error":"invalid_client"}`, s)
			return
		}
		writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": "token-1"})
	}))
	defer tok.Close()
	f := newConnFixture(t)
	cfg := f.config()
	cfg.TokenURL = tok.URL
	for _, tc := range []struct {
		status int32
		kind   string
	}{{0, ""}, {http.StatusUnauthorized, bot.EUnauthorized}, {http.StatusServiceUnavailable, bot.EUnavailable}} {
		status.Store(tc.status)
		err := mustConnector(t, cfg).CheckToken(context.Background())
		if bot.ErrorKind(err) != tc.kind && !(tc.kind == "" && err == nil) {
			t.Errorf("token status %d: %v, want %q", tc.status, err, tc.kind)
		}
		if tc.kind == bot.EUnauthorized && !strings.Contains(bot.ErrorMessage(err), "teams.app_id") {
			t.Errorf("the refusal does not say what to check: %v", err)
		}
	}
}
