package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestServeSlack runs serve as a council would configure it, through the
// environment, with a real Redis and slacktest standing in for Slack: a
// signed app_mention gets one reply in the question's thread.
func TestServeSlack(t *testing.T) {
	t.Chdir(t.TempDir())
	redis := redistest.Start(t)

	var mu sync.Mutex
	var posts []url.Values
	fake := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			mu.Lock()
			posts = append(posts, r.Form)
			mu.Unlock()
			fmt.Fprint(w, `{"ok":true,"channel":"C0LAN2Q65","ts":"1700000001.000200"}`)
		})
	})
	fake.Start()
	defer fake.Stop()

	addr := freeAddr(t)
	const secret = "test-signing-secret"
	env := map[string]string{
		"WAYMARK_HTTP_ADDR":            addr,
		"WAYMARK_REDIS_URL":            redis.URL(),
		"WAYMARK_SLACK_BOT_TOKEN":      "xoxb-test",
		"WAYMARK_SLACK_SIGNING_SECRET": secret,
		"WAYMARK_SLACK_API_URL":        fake.GetAPIURL(),
	}
	base := "http://" + addr
	errOut := startServe(t, base, env, "serve")
	if strings.Contains(errOut.String(), "embedded, in-memory Redis") || !strings.Contains(errOut.String(), "redis_embedded=false") {
		t.Error("serve used an embedded Redis although redis.url was set")
	}

	body := `{"token":"x","team_id":"T061EG9R6","api_app_id":"A0MDYCDME","type":"event_callback",` +
		`"event_id":"Ev0SERVE01","event_time":1700000000,"event":{"type":"app_mention","user":"U061F7AUR",` +
		`"text":"<@U0LAN0Z89> who is the LADO?","ts":"1700000000.000100","channel":"C0LAN2Q65","event_ts":"1700000000.000100"}}`
	for i := 0; i < 2; i++ { // a retry must not produce a second reply
		if status := postSlackEvent(t, base, secret, body, i > 0); status != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, status)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(posts)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // room for a wrong second reply to show up
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 1 {
		t.Fatalf("%d replies, want exactly 1", len(posts))
	}
	p := posts[0]
	if p.Get("channel") != "C0LAN2Q65" || p.Get("thread_ts") != "1700000000.000100" || !strings.Contains(p.Get("blocks"), "01632 961 250") {
		t.Errorf("reply = %v, want the LADO's card in the question's thread", p)
	}
}

// freeAddr is a loopback address with a port free just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs `waymark args...` (serve) with env as its environment
// until the test ends, waits until it answers /healthz, and returns its
// stderr. The test fails if serve returns an error when stopped.
func startServe(t *testing.T, base string, env map[string]string, args ...string) *lockedBuffer {
	t.Helper()
	return startServeWith(t, platforms, base, env, args...)
}

// startServeWith is startServe serving these platforms.
func startServeWith(t *testing.T, platforms []handlers.Platform, base string, env map[string]string, args ...string) *lockedBuffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	errOut := &lockedBuffer{}
	done := make(chan error, 1)
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["WAYMARK_HTTP_ADMIN_ADDR"]; !ok {
		env["WAYMARK_HTTP_ADMIN_ADDR"] = "127.0.0.1:0" // not the default 9090, which a running serve holds
	}
	go func() {
		done <- runWith(ctx, platforms, args, func(k string) string { return env[k] }, strings.NewReader(""), &out, errOut)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errOut.String())
		}
	})
	waitHealthy(t, base, done, errOut)
	waitAnswering(t, &out, done, errOut)
	return errOut
}

// waitAnswering waits for serve to say it is answering: it listens at
// once, but mounts its routes only once the index is built.
func waitAnswering(t *testing.T, out *lockedBuffer, done chan error, errOut *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Waymark is answering on") {
		select {
		case err := <-done:
			done <- nil
			t.Fatalf("serve stopped early: %v\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never said it was answering; stderr:\n%s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitHealthy waits for base to answer /healthz; if serve stops first it
// fails the test, handing serve's result back to done for the cleanup.
func waitHealthy(t *testing.T, base string, done chan error, errOut *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-done:
			done <- nil // reported here; the cleanup must not wait for it again
			t.Fatalf("serve stopped early: %v\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer on %s/healthz; stderr:\n%s", base, errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeReloadKeepsLastGoodIndex: SIGHUP reloads the corpus folder; a
// corpus with problems is reported and the last good index keeps answering.
func TestServeReloadKeepsLastGoodIndex(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("corpus.yaml", "area: Eastfold\n")
	write("lado.md", "---\nid: ef-lado\ntitle: LADO\nkind: contact\nphone: \"01632 961 250\"\n---\nThe LADO handles allegations about staff.\n")

	addr := freeAddr(t)
	base := "http://" + addr
	errOut := startServe(t, base, nil, "serve", "--corpus", dir, "--http-addr", addr)

	contactsFor := func(q string) string {
		resp, err := http.Post(base+"/api/chat", "application/json", strings.NewReader(`{"session":"reload-test","text":`+strconv.Quote(q)+`}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	hupAndWait := func(logLine string) {
		t.Helper()
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(errOut.String(), logLine) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the log:\n%s", logLine, errOut.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	if strings.Contains(contactsFor("front door MASH number"), "ef-mash") {
		t.Fatal("the MASH is not in the corpus yet")
	}
	write("mash.md", "---\nid: ef-mash\ntitle: MASH front door\nkind: contact\nphone: \"01632 961 200\"\n---\nThe MASH takes contacts about children.\n")
	hupAndWait("corpus reloaded")
	if !strings.Contains(contactsFor("front door MASH number"), "ef-mash") {
		t.Error("after a good reload the new contact should be found")
	}

	write("broken.md", "---\ntitle: [unclosed\nkind: process\n---\n")
	hupAndWait("still answering from the last good index")
	if !regexp.MustCompile(`broken\.md:\d+: invalid YAML`).MatchString(errOut.String()) {
		t.Errorf("the problem is not reported with its line:\n%s", errOut.String())
	}
	if !strings.Contains(contactsFor("front door MASH number"), "ef-mash") {
		t.Error("after a failed reload the last good index should keep answering")
	}
}

// TestServeTeamsEndpoint: with Teams configured, POST /api/messages is
// served and refuses an activity without a Bot Framework token before
// anything is fetched or answered.
func TestServeTeamsEndpoint(t *testing.T) {
	t.Chdir(t.TempDir())
	addr := freeAddr(t)
	env := map[string]string{
		"WAYMARK_HTTP_ADDR":        addr,
		"WAYMARK_TEAMS_APP_ID":     "00000000-0000-0000-0000-000000000001",
		"WAYMARK_TEAMS_APP_SECRET": "test-secret",
		// a multi-tenant registration serving every tenant, said out loud
		"WAYMARK_TEAMS_ALLOW_ANY_TENANT": "true",
	}
	base := "http://" + addr
	errOut := startServe(t, base, env, "serve")
	activity := `{"type":"message","id":"1","channelId":"msteams","serviceUrl":"https://smba.trafficmanager.net/emea/",` +
		`"from":{"id":"29:1"},"conversation":{"id":"a:1","conversationType":"personal"},"recipient":{"id":"28:bot"},"text":"who is the LADO"}`
	resp, err := http.Post(base+"/api/messages", "application/json", strings.NewReader(activity))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an activity without a token: status %d, want 401", resp.StatusCode)
	}
	if !strings.Contains(errOut.String(), "teams connected") || !strings.Contains(errOut.String(), "serving every tenant") || strings.Contains(errOut.String(), "test-secret") {
		t.Errorf("log:\n%s", errOut.String())
	}
}

// TestServeSlackAndTeamsTogether: one serve process runs Slack and Teams
// at once, with a desk whose queue is in Teams and whose duty managers are
// in Slack; both endpoints answer, each refusing what it cannot verify.
func TestServeSlackAndTeamsTogether(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	const tenant = "aaaaaaaa-1111-1111-1111-111111111111"
	config := `
consultations:
  specialists:
    psychology: ["teams:22222222-2222-2222-2222-222222222222", "slack:U0PSY1"]
  queues:
    psychology: teams:channel:19:psy@thread.tacv2
escalation:
  policies:
    urgent:
      claim_within: 30m
      levels:
        - {name: duty manager, targets: ["slack:channel:C0DUTY", "teams:user:33333333-3333-3333-3333-333333333333"], acknowledgers: ["slack:U0DUTY1"], repeat_every: 10m}
    routine:
      claim_within_working_days: 2
      levels:
        - {name: duty manager, targets: ["slack:channel:C0DUTY"], acknowledgers: ["slack:U0DUTY1"], repeat_every: 1h}
`
	if err := os.WriteFile(filepath.Join(dir, "waymark.yaml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	env := map[string]string{
		"WAYMARK_HTTP_ADDR":            addr,
		"WAYMARK_REDIS_URL":            redistest.Start(t).URL(),
		"WAYMARK_SLACK_BOT_TOKEN":      "xoxb-test",
		"WAYMARK_SLACK_SIGNING_SECRET": "test-signing-secret",
		"WAYMARK_SLACK_API_URL":        "https://slack.example/api/",
		"WAYMARK_TEAMS_APP_ID":         "00000000-0000-0000-0000-000000000001",
		"WAYMARK_TEAMS_APP_SECRET":     "test-secret",
		"WAYMARK_TEAMS_TENANT_ID":      tenant,
	}
	base := "http://" + addr
	errOut := startServe(t, base, env, "serve")
	for _, want := range []string{"slack=true", "teams=true", "consultations=true", "teams connected"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, errOut.String())
		}
	}
	for path, body := range map[string]string{
		"/api/messages": `{"type":"message","id":"1","channelId":"msteams","serviceUrl":"https://smba.trafficmanager.net/emea/","conversation":{"id":"a:1"}}`,
		"/slack/events": `{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","text":"hi"}}`,
	} {
		resp, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without a signature: status %d, want 401", path, resp.StatusCode)
		}
	}
}

// postSlackEvent posts body to serve's Events API endpoint at base, signed
// with secret as Slack signs it (marked a retry when retry), and returns
// the status.
func postSlackEvent(t *testing.T, base, secret, body string, retry bool) int {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	if retry {
		req.Header.Set("X-Slack-Retry-Num", "1")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
