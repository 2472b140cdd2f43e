package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/internal/browsertest"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestServeConsole runs `waymark serve` as a council would configure it
// (Slack, one-time links, a psychology queue, a duty ladder, a lead) and
// signs people in as Slack would send them: "web" in a direct message
// brings a one-time link, which signs that Slack person in. The configured
// specialist and lead open the console; a practitioner is refused it; a
// change without the page's token is refused. Then, in headless Chromium
// against the same serve: the practitioner's booking is claimed from the
// queue page, their risky question's escalation acknowledged from the
// escalations page, and their unanswered question is on the gaps page.
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
	asked := 0 // each "web" is a new event: Slack's retries are answered once
	linkFor := func(user string) string {
		t.Helper()
		asked++
		mu.Lock()
		before := len(posts)
		mu.Unlock()
		body := `{"token":"x","team_id":"T061EG9R6","api_app_id":"A0MDYCDME","type":"event_callback","event_id":"Ev` + user + strconv.Itoa(asked) + `",` +
			`"event_time":1700000000,"event":{"type":"message","channel_type":"im","user":"` + user + `","text":"web",` +
			`"ts":"1700000000.000100","channel":"D` + user + `","event_ts":"1700000000.000100"}}`
		postSlackEvent(t, base, secret, body, false)
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
		return link
	}
	signIn := func(user string) *http.Client {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm(base+"/auth/link", url.Values{"t": {linkFor(user)}})
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
	if code, page := get(psych, "/console/queue"); code != http.StatusOK || !strings.Contains(page, "Psychology") {
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

	// The practitioner, on the web chat, books a consultation, asks what
	// the corpus cannot answer, and describes a risk.
	_, info := get(prac, "/api/session")
	csrf := regexp.MustCompile(`"csrf":"([^"]+)"`).FindStringSubmatch(info)
	if csrf == nil {
		t.Fatalf("no CSRF token in %s", info)
	}
	chat := func(body string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/api/chat", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf[1])
		resp, err := prac.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /api/chat %s: %d %s", body, resp.StatusCode, b)
		}
		return string(b)
	}
	booked := chat(`{"action":{"id":"consult_submit"},"form":{"specialism":"psychology","urgency":"routine","question":"How do I talk to a boy about videos he shares?","area":"Wyvern Vale","times":""}}`)
	ref := regexp.MustCompile(`WM-\d{6}`).FindString(booked)
	if ref == "" {
		t.Fatalf("booking replied %s", booked)
	}
	chat(`{"text":"is lunch provided on the course"}`)
	chat(`{"text":"he says he is flying to Syria tomorrow to join them"}`)

	// In Chromium: the specialist claims it, the duty manager
	// acknowledges the escalation, the lead reads the gaps.
	exe := browsertest.Chromium(t)
	shots := t.TempDir()
	if d := os.Getenv("WAYMARK_SCREENSHOTS"); d != "" {
		shots = d
	}
	browse := func(user, name string, steps ...browsertest.Step) {
		t.Helper()
		_, within, fail := browsertest.Start(t, exe)
		browsertest.Run(within, fail, append([]browsertest.Step{
			{What: "open the link Slack sent", Do: chromedp.Navigate(base + "/auth/link?t=" + linkFor(user))},
			{What: "press sign in", Do: chromedp.Click(chromedp.Search(`//button[normalize-space()="Sign in"]`))},
			{What: "land on the chat", Do: chromedp.WaitVisible(chromedp.ID("question"))},
		}, steps...)...)
		shot, err := chromedp.Run(within(), chromedp.FullScreenshot(100))
		fail("screenshot", err)
		if err := os.WriteFile(filepath.Join(shots, name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", filepath.Join(shots, name))
	}
	browse("U0PSY0001", "serve-console-claimed.png",
		browsertest.Step{What: "open the queue", Do: chromedp.Navigate(base + "/console/queue")},
		browsertest.Step{What: "claim the request", Do: chromedp.Click(chromedp.Search(`//button[normalize-space()="Claim ` + ref + `"]`))},
		browsertest.Step{What: "see it is ours", Do: chromedp.WaitVisible(chromedp.Search(`//*[@role="status" and contains(., "You have ` + ref + `")]`))},
	)
	browse("U0DUTY001", "serve-console-acknowledged.png",
		browsertest.Step{What: "open the escalations", Do: chromedp.Navigate(base + "/console/escalations")},
		browsertest.Step{What: "acknowledge", Do: chromedp.Click(chromedp.Search(`//button[starts-with(normalize-space(), "Acknowledge ESC-")]`))},
		browsertest.Step{What: "see it acknowledged", Do: chromedp.WaitVisible(chromedp.Search(`//td[starts-with(normalize-space(), "acknowledged by")]`))},
	)
	browse("U0LEAD001", "serve-console-gaps.png",
		browsertest.Step{What: "open the gaps", Do: chromedp.Navigate(base + "/console/gaps")},
		browsertest.Step{What: "see the unanswered question's theme", Do: chromedp.WaitVisible(chromedp.Search(`//td/strong[text()="lunch" or text()="provided" or text()="course"]`))},
	)
	if code, page := get(psych, "/console/queue"); code != http.StatusOK || !strings.Contains(page, "claimed by") {
		t.Errorf("after the claim in Chromium the queue shows: %d\n%s", code, page)
	}
}
