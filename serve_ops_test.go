package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/internal/redistest"
	"github.com/waymarkhq/waymark/knowledge/corpusgen"
)

// TestServeWebChatOffLoopbackNeedsSignIn: listening on every address,
// serve refuses to start with an anonymous web chat, saying why; with
// sign-in configured it starts, and an anonymous request is refused.
func TestServeWebChatOffLoopbackNeedsSignIn(t *testing.T) {
	t.Chdir(t.TempDir())
	_, port, _ := net.SplitHostPort(freeAddr(t))
	env := map[string]string{"WAYMARK_HTTP_ADDR": "0.0.0.0:" + port, "WAYMARK_REDIS_URL": redistest.Start(t).URL()}
	var out, errOut lockedBuffer
	err := runWith(t.Context(), platforms, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "no sign-in is configured") {
		t.Fatalf("serve with an anonymous web chat on 0.0.0.0: %v", err)
	}

	base := "http://127.0.0.1:" + port
	env["WAYMARK_WEB_PUBLIC_URL"] = base
	env["WAYMARK_WEB_OIDC_ISSUER"] = "http://127.0.0.1:1/never-reached-until-someone-signs-in"
	env["WAYMARK_WEB_OIDC_CLIENT_ID"] = "waymark"
	env["WAYMARK_WEB_OIDC_CLIENT_SECRET"] = "test-client-secret"
	logs := startServe(t, base, env, "serve")
	resp, err := http.Post(base+"/api/chat", "application/json", strings.NewReader(`{"session":"k3Jx9_Qe2mB7-wvA","text":"/escalate"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an anonymous message: %d, want 401", resp.StatusCode)
	}
	resp, err = http.Get(base + "/api/session")
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ Mode, Login string }
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if info.Mode != "signin" || info.Login != "/auth/login" {
		t.Errorf("session info %+v", info)
	}
	if !strings.Contains(logs.String(), "web_sign_in=true") || strings.Contains(logs.String(), "test-client-secret") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// TestHealthcheck: `waymark healthcheck` exits 0 against a running serve
// (asking on loopback when it listens everywhere) and fails when nothing
// answers.
func TestHealthcheck(t *testing.T) {
	t.Chdir(t.TempDir())
	addr := freeAddr(t)
	env := map[string]string{"WAYMARK_HTTP_ADDR": addr}
	startServe(t, "http://"+addr, env, "serve")
	for _, args := range [][]string{{"healthcheck"}, {"healthcheck", "--ready"}} {
		var out, errOut lockedBuffer
		if err := runWith(t.Context(), platforms, args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut); err != nil || strings.TrimSpace(out.String()) != "ok" {
			t.Errorf("%v: %v %q", args, err, out.String())
		}
	}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	var out, errOut lockedBuffer
	err := runWith(t.Context(), platforms, []string{"healthcheck"}, func(k string) string {
		return map[string]string{"WAYMARK_HTTP_ADDR": "0.0.0.0:" + port, "WAYMARK_HTTP_WEB_CHAT": "false", "WAYMARK_REDIS_EMBEDDED": "true"}[k]
	}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:"+port) {
		t.Errorf("healthcheck with nothing listening: %v", err)
	}
}

// TestServeBankHolidaysFile: serve reads the bank holidays from a GOV.UK
// file; one that runs out within 90 days is warned of at start and shown
// by /readyz, which still answers 200.
func TestServeBankHolidaysFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	soon := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	holidays := `{"england-and-wales":{"division":"england-and-wales","events":[{"title":"A bank holiday","date":"` + soon + `","notes":"","bunting":true}]}}`
	if err := os.WriteFile("bank-holidays.json", []byte(holidays), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := `
consultations:
  specialists:
    psychology: ["slack:U0PSY1"]
  queues:
    psychology: slack:channel:C0PSYQ
escalation:
  working_hours:
    bank_holidays_file: bank-holidays.json
  policies:
    urgent:
      claim_within: 30m
      levels:
        - {name: duty manager, targets: ["slack:user:U0DUTY1"], repeat_every: 10m}
    routine:
      claim_within_working_days: 2
      levels:
        - {name: duty manager, targets: ["slack:user:U0DUTY1"], repeat_every: 1h}
`
	if err := os.WriteFile(filepath.Join(dir, "waymark.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	env := map[string]string{
		"WAYMARK_HTTP_ADDR": addr, "WAYMARK_SLACK_BOT_TOKEN": "xoxb-test", "WAYMARK_SLACK_SIGNING_SECRET": "s",
		"WAYMARK_SLACK_API_URL": "https://slack.example/api/",
	}
	logs := startServe(t, "http://"+addr, env, "serve")
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready map[string]string
	json.NewDecoder(resp.Body).Decode(&ready)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(ready["bank_holidays"], "warning: the bank holiday list ends on") {
		t.Errorf("/readyz: %d %v", resp.StatusCode, ready)
	}
	if !strings.Contains(logs.String(), "bank holiday list ends on") {
		t.Errorf("no warning at start:\n%s", logs.String())
	}

	// A file that is not GOV.UK's format stops serve, saying which.
	if err := os.WriteFile("bank-holidays.json", []byte(`{"scotland":{"events":[]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut lockedBuffer
	err = runWith(t.Context(), platforms, []string{"serve"}, func(k string) string {
		return map[string]string{"WAYMARK_HTTP_ADDR": freeAddr(t), "WAYMARK_HTTP_ADMIN_ADDR": "127.0.0.1:0",
			"WAYMARK_SLACK_BOT_TOKEN": "xoxb-test", "WAYMARK_SLACK_SIGNING_SECRET": "s", "WAYMARK_SLACK_API_URL": "https://slack.example/api/"}[k]
	}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), `bank_holidays_file bank-holidays.json: invalid: bank holidays have no division "england-and-wales" (they have scotland)`) {
		t.Errorf("serve with a bad bank holidays file: %v", err)
	}
}

// TestServeMetrics: /metrics is served on the admin address, not the
// public one, and counts what happened: a question answered over the web
// chat, the index's documents, Redis commands, Go's runtime.
func TestServeMetrics(t *testing.T) {
	t.Chdir(t.TempDir())
	addr, admin := freeAddr(t), freeAddr(t)
	env := map[string]string{"WAYMARK_HTTP_ADDR": addr, "WAYMARK_HTTP_ADMIN_ADDR": admin}
	startServe(t, "http://"+addr, env, "serve")
	resp, err := http.Post("http://"+addr+"/api/chat", "application/json", strings.NewReader(`{"session":"k3Jx9_Qe2mB7-wvA","text":"who is the LADO"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("question: %d", resp.StatusCode)
	}
	if resp, err := http.Get("http://" + addr + "/metrics"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %v %v, want 404", resp.StatusCode, err)
	}
	resp, err = http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	for _, want := range []string{
		`waymark_questions_total{outcome="answered",platform="web"} 1`,
		`waymark_answer_seconds_count{platform="web"} 1`,
		`waymark_redis_commands_total{outcome="ok"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !regexp.MustCompile(`(?m)^waymark_index_documents [1-9]`).MatchString(text) {
		t.Error("/metrics does not count the index's documents")
	}
	if strings.Contains(text, "LADO") || strings.Contains(text, "k3Jx9") {
		t.Error("/metrics holds message text or a session id")
	}
	if resp, err := http.Get("http://" + admin + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz on the admin address: %v", err)
	}
}

// TestServeChecksCredentialsAtStart: a wrong Slack token is found at
// start, by auth.test, and /readyz says so (503); a good one is accepted.
// (Teams' token fetch at start: TestCheckToken in handlers/teams.)
func TestServeChecksCredentialsAtStart(t *testing.T) {
	t.Chdir(t.TempDir())
	var slackOK atomic.Bool
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if slackOK.Load() {
			io.WriteString(w, `{"ok":true,"url":"https://wyvernvale.slack.com/","team":"Wyvern Vale","user":"waymark","team_id":"T061EG9R6","user_id":"U0LAN0Z89"}`)
			return
		}
		io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
	}))
	defer slackAPI.Close()
	for _, good := range []bool{false, true} {
		slackOK.Store(good)
		addr := freeAddr(t)
		env := map[string]string{
			"WAYMARK_HTTP_ADDR": addr, "WAYMARK_SLACK_BOT_TOKEN": "xoxb-test", "WAYMARK_SLACK_SIGNING_SECRET": "s",
			"WAYMARK_SLACK_API_URL": slackAPI.URL + "/",
		}
		logs := startServe(t, "http://"+addr, env, "serve")
		var ready map[string]string
		var status int
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			// The probe stores its outcome before it logs it, so a
			// /readyz asked after the log line was seen shows it.
			logged := strings.Contains(logs.String(), "slack: credentials")
			resp, err := http.Get("http://" + addr + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			ready = map[string]string{}
			json.NewDecoder(resp.Body).Decode(&ready)
			resp.Body.Close()
			status = resp.StatusCode
			if logged {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		switch {
		case !good && (status != http.StatusServiceUnavailable || !strings.Contains(ready["slack_credentials"], "invalid_auth")):
			t.Errorf("a refused Slack token: /readyz %d %v", status, ready)
		case good && (status != http.StatusOK || ready["slack_credentials"] != "ok"):
			t.Errorf("a good Slack token: /readyz %d %v", status, ready)
		}
		if !good && !strings.Contains(logs.String(), "slack: credentials refused") {
			t.Errorf("the refusal is not logged:\n%s", logs.String())
		}
	}
}

// TestServeListensBeforeTheIndexIsBuilt: serve answers /healthz at once
// and /readyz with 503 (and every route with 503, which platforms retry)
// until the corpus is read and indexed; then it answers. The corpus file
// is a named pipe, so the index cannot be built until the test writes it:
// nothing here waits on a clock.
func TestServeListensBeforeTheIndexIsBuilt(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	corpus := filepath.Join(dir, "corpus")
	if err := os.Mkdir(corpus, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(corpus, "corpus.yaml"), []byte("area: Eastfold\n"), 0o600)
	pipe := filepath.Join(corpus, "lado.md")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	base := "http://" + addr
	env := map[string]string{"WAYMARK_HTTP_ADDR": addr, "WAYMARK_CORPUS_DIR": corpus, "WAYMARK_HTTP_ADMIN_ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- runWith(ctx, platforms, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errOut.String())
		}
	})
	waitHealthy(t, base, done, &errOut) // listening, with the corpus still unread
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "building its index") {
		t.Errorf("/readyz while building: %d %s", code, body)
	}
	if code, _ := get("/"); code != http.StatusServiceUnavailable {
		t.Errorf("the web chat while building: %d, want 503", code)
	}
	// Write the document: the build finishes and serve answers.
	f, err := os.OpenFile(pipe, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("---\nid: ef-lado\ntitle: LADO\nkind: contact\nphone: \"01632 961 250\"\n---\nThe LADO handles allegations about staff.\n")
	f.Close()
	waitAnswering(t, &out, done, &errOut)
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz once built: %d %s", code, body)
	}
	if code, _ := get("/"); code != http.StatusOK {
		t.Errorf("the web chat once built: %d, want 200", code)
	}
}

// TestProgressWhileIndexing: a large corpus's indexing is reported as it
// goes, as log lines when standard error is not a terminal.
func TestProgressWhileIndexing(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := corpusgen.Generate(dir, 2100, 7); err != nil {
		t.Fatal(err)
	}
	var out, errOut lockedBuffer
	err := runWith(t.Context(), platforms, []string{"search", "--corpus", dir, "who is the LADO"}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"msg=indexing documents=500 of=2100", "msg=indexing documents=2100 of=2100"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("no %q in:\n%s", want, errOut.String())
		}
	}
}
