package web_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymarkhq/waymark/bot"
)

// TestBrowserConsole drives the console in headless Chromium, over the
// real engine, desk and Redis: a specialist signs in with the one-time
// link Slack would send, sees the queued request, claims it with the
// page's button and then sees its question; a duty manager signed in with
// the identity provider acknowledges a risk escalation from the page.
// Screenshots of both pages are saved (WAYMARK_SCREENSHOTS to keep them).
func TestBrowserConsole(t *testing.T) {
	exe := chromium(t)
	s := newConsoleServer(t)
	ref := s.book(t, bot.UrgencyRoutine, "How should I approach a father who shares extremist memes?")
	if _, err := s.engine.Handle(t.Context(), bot.Message{Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: consolePrac.UserID, UserName: consolePrac.Name,
		ConversationID: "D0PRAC", ID: "m-risk", Text: "she has a knife in her bag and says she will use it at school today"}); err != nil {
		t.Fatal(err)
	}
	link, _, err := s.signin.WebLink(t.Context(), consolePsych)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if d := os.Getenv("WAYMARK_SCREENSHOTS"); d != "" {
		dir = d
	}
	shoot := func(within func() context.Context, fail func(string, error), name string) {
		t.Helper()
		shot, err := chromedp.Run(within(), chromedp.FullScreenshot(100))
		fail("screenshot", err)
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil || img.Bounds().Dx() < 500 {
			t.Fatalf("the %s screenshot is no picture of the page: %v", name, err)
		}
		out := filepath.Join(dir, name)
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s (%d bytes)", out, len(shot))
	}
	run := func(within func() context.Context, fail func(string, error), steps []struct {
		what string
		do   chromedp.Action[chromedp.Void]
	}) {
		t.Helper()
		for _, step := range steps {
			fail(step.what, chromedp.Do(within(), step.do))
		}
	}
	type step = struct {
		what string
		do   chromedp.Action[chromedp.Void]
	}

	_, within, fail := startBrowser(t, exe)
	run(within, fail, []step{
		{"open the one-time link", chromedp.Navigate(link)},
		{"press sign in", chromedp.Click(chromedp.Search(`//button[normalize-space()="Sign in"]`))},
		{"land on the chat", chromedp.WaitVisible(chromedp.ID("question"))},
		{"open the console", chromedp.Navigate(s.URL + "/console")},
		{"see what is waiting", chromedp.WaitVisible(chromedp.Search(`//*[contains(., "waiting to be claimed")]`))},
		{"go to the queue", chromedp.Click(chromedp.Search(`//nav//a[normalize-space()="Queue"]`))},
		{"see the request", chromedp.WaitVisible(chromedp.ID(ref))},
	})
	shoot(within, fail, "console-queue.png")
	run(within, fail, []step{
		{"claim it", chromedp.Click(chromedp.Search(`//button[normalize-space()="Claim ` + ref + `"]`))},
		{"see it is ours", chromedp.WaitVisible(chromedp.Search(`//*[@role="status" and contains(., "You have ` + ref + `")]`))},
		{"open its details", chromedp.Click(chromedp.Search(`//tr[@id="` + ref + `"]//summary`))},
	})
	question, err := chromedp.Run(within(), chromedp.Text(chromedp.CSS(`tr[id="`+ref+`"] .question`)))
	fail("read the question", err)
	if question != "How should I approach a father who shares extremist memes?" {
		t.Errorf("the claimed request shows %q", question)
	}
	if c, _ := s.store.Consultation(t.Context(), ref); c.State != bot.StateClaimed || c.Claimant.Key() != consolePsych.Key() {
		t.Errorf("after the page's claim: %s by %s", c.State, c.Claimant.Key())
	}
	shoot(within, fail, "console-claimed.png")

	// The duty manager, in a browser of their own.
	_, within, fail = startBrowser(t, exe)
	run(within, fail, []step{
		{"open the console", chromedp.Navigate(s.URL + "/console/escalations")},
		{"be asked to sign in", chromedp.WaitVisible(chromedp.Search(`//a[normalize-space()="Sign in with your council account"]`))},
		{"sign in", chromedp.Navigate(s.URL + "/auth/login")},
		{"come back to the chat", chromedp.WaitVisible(chromedp.ID("signed-in"))},
		{"open the escalations", chromedp.Navigate(s.URL + "/console/escalations")},
		{"see it open", chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "1 not yet acknowledged")]`))},
	})
	shoot(within, fail, "console-escalations.png")
	run(within, fail, []step{
		{"acknowledge it", chromedp.Click(chromedp.Search(`//button[starts-with(normalize-space(), "Acknowledge ESC-")]`))},
		{"see it acknowledged", chromedp.WaitVisible(chromedp.Search(`//td[contains(., "acknowledged by Sam Okafor")]`))},
	})
	// The lead, after two questions the corpus cannot answer.
	for i, q := range []string{"is lunch provided on the course", "who pays for lunch at the course"} {
		if _, err := s.engine.Handle(t.Context(), bot.Message{Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: consolePrac.UserID, UserName: consolePrac.Name,
			ConversationID: "D0PRAC", ID: "m-gap-" + string(rune('a'+i)), Text: q}); err != nil {
			t.Fatal(err)
		}
	}
	leadLink, _, err := s.signin.WebLink(t.Context(), consoleLead)
	if err != nil {
		t.Fatal(err)
	}
	_, leadWithin, leadFail := startBrowser(t, exe)
	run(leadWithin, leadFail, []step{
		{"open the one-time link", chromedp.Navigate(leadLink)},
		{"press sign in", chromedp.Click(chromedp.Search(`//button[normalize-space()="Sign in"]`))},
		{"land on the chat", chromedp.WaitVisible(chromedp.ID("question"))},
		{"open the gaps", chromedp.Navigate(s.URL + "/console/gaps")},
		{"see the theme", chromedp.WaitVisible(chromedp.Search(`//td/strong[text()="lunch"]`))},
		{"see the chart", chromedp.WaitVisible(chromedp.CSS(`svg.chart`))},
	})
	shoot(leadWithin, leadFail, "console-gaps.png")

	body, err := chromedp.Run(within(), chromedp.Text(chromedp.CSS("main")))
	fail("read the page", err)
	if strings.Contains(body, "knife") {
		t.Error("the escalations page shows the practitioner's words")
	}
	if !strings.Contains(body, "Sam Okafor described a possible immediate risk") || strings.Contains(body, "U0PRAC001") {
		t.Errorf("the escalation's summary is not written with names:\n%s", body)
	}
}
