package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestServeConsole runs `waymark serve` as a council would configure it
// (Slack, one-time links, a psychology queue, a duty ladder, a lead) and
// signs people in as Slack would send them: "web" in a direct message
// brings a one-time link, which signs that Slack person in. The configured
// specialist and lead open the console; a practitioner is refused it; a
// change without the page's token is refused.
func TestServeConsole(t *testing.T) {
	t.Chdir(t.TempDir())
	redis := redistest.Start(t)
	var mu sync.Mutex
	var posts []string
	fake := slacktest.NewTestServer(func(c slacktest.Customize) {
		for _, method := range []string{"/chat.postMessage", "/chat.postEphemeral"} {
			c.Handle(method, func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm()
				mu.Lock()
				posts = append(posts, r.Form.Encode())
				mu.Unlock()
				fmt.Fprint(w, `{"ok":true,"channel":"D0PSY0001","ts":"1700000001.000200","message_ts":"1700000001.000200"}`)
			})
		}
	})
	fake.Start()
	defer fake.Stop()

	addr := freeAddr(t)
	base := "http://" + addr
	const secret = "test-signing-secret"
	config := `
slack: {bot_token: xoxb-test, signing_secret: ` + secret + `, api_url: "` + fake.GetAPIURL() + `"}
web: {public_url: "` + base + `", links: true}
consultations:
  specialists: {psychology: ["slack:T061EG9R6:U0PSY0001"]}
  queues: {psychology: "slack:channel:C0PSYQ001"}
console: {leads: ["slack:U0LEAD001"]}
escalation:
  policies:
    urgent:
      claim_within: 30m
      levels: [{name: duty manager, targets: ["slack:channel:C0DUTY001"], acknowledgers: ["slack:U0DUTY001"], repeat_every: 10m}]
    routine:
      claim_within_working_days: 2
      levels: [{name: duty manager, targets: ["slack:channel:C0DUTY001"], acknowledgers: ["slack:U0DUTY001"], repeat_every: 1h}]
`
	if err := os.WriteFile("waymark.yaml", []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	startServe(t, base, map[string]string{"WAYMARK_HTTP_ADDR": addr, "WAYMARK_REDIS_URL": redis.URL()}, "serve")

	linkRE := regexp.MustCompile(regexp.QuoteMeta(base) + `/auth/link\?t=([A-Za-z0-9_-]+)`)
	signIn := func(user string) *http.Client {
		t.Helper()
		mu.Lock()
		before := len(posts)
		mu.Unlock()
		body := `{"token":"x","team_id":"T061EG9R6","api_app_id":"A0MDYCDME","type":"event_callback","event_id":"Ev` + user + `",` +
			`"event_time":1700000000,"event":{"type":"message","channel_type":"im","user":"` + user + `","text":"web",` +
			`"ts":"1700000000.000100","channel":"D` + user + `","event_ts":"1700000000.000100"}}`
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(mac, "v0:%s:%s", ts, body)
		req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var link string
		for deadline := time.Now().Add(15 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			for _, p := range posts[before:] {
				if text, err := url.QueryUnescape(p); err == nil {
					if m := linkRE.FindStringSubmatch(text); m != nil {
						link = m[1]
					}
				}
			}
			mu.Unlock()
		}
		if link == "" {
			t.Fatalf("no sign-in link was sent to %s; posts: %q", user, posts)
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err = c.PostForm(base+"/auth/link", url.Values{"t": {link}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signing %s in: %d", user, resp.StatusCode)
		}
		return c
	}
	get := func(c *http.Client, path string) (int, string) {
		t.Helper()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	psych := signIn("U0PSY0001")
	if code, page := get(psych, "/console/queue"); code != http.StatusOK || !strings.Contains(page, "Psychology: 0 open") {
		t.Errorf("the specialist's queue: %d\n%s", code, page)
	}
	if code, page := get(psych, "/console"); code != http.StatusOK || !strings.Contains(page, "a psychology specialist") {
		t.Errorf("the specialist's overview: %d\n%s", code, page)
	}
	resp, err := psych.PostForm(base+"/console/claim", url.Values{"ref": {"WM-000001"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a claim without the page's token: %d, want 403", resp.StatusCode)
	}
	lead := signIn("U0LEAD001")
	if code, page := get(lead, "/console/health"); code != http.StatusOK || !strings.Contains(page, "Corpus health") || !strings.Contains(page, "Never shown in an answer") {
		t.Errorf("the lead's corpus health: %d\n%s", code, page)
	}
	prac := signIn("U0PRAC001")
	if code, _ := get(prac, "/console"); code != http.StatusForbidden {
		t.Errorf("a practitioner opening the console: %d, want 403", code)
	}
}
