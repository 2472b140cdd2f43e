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

	"github.com/waymarkhq/waymark/internal/browsertest"
)

// chromium and startBrowser are browsertest's, named as the tests call them.
func chromium(t *testing.T) string { return browsertest.Chromium(t) }

func startBrowser(t *testing.T, exe string) (context.Context, func() context.Context, func(string, error)) {
	return browsertest.Start(t, exe)
}

// TestBrowserOpensTheWholeDocument drives the page in headless Chromium as
// a practitioner would: asks how to make a Prevent referral, opens the
// whole document from the answer, finds its steps with the phone numbers as
// tel: links, marks the answer not helpful without losing the booking
// buttons, and takes a screenshot.
func TestBrowserOpensTheWholeDocument(t *testing.T) {
	exe := chromium(t)
	srv, _, logs := mustEngineChat(t)
	defer func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	}()

	_, within, fail := startBrowser(t, exe)
	const showSteps = `//button[normalize-space()="Show the steps"]`
	for _, step := range []struct {
		what string
		do   chromedp.Action[chromedp.Void]
	}{
		{"open the page", chromedp.Navigate(srv.URL + "/")},
		{"find the question box", chromedp.WaitVisible(chromedp.ID("question"))},
		{"watch for errors", chromedp.Action[chromedp.Void](func(c context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[any](`window.__errs=[];window.addEventListener('error',e=>window.__errs.push(e.message+' '+e.lineno));window.addEventListener('unhandledrejection',e=>window.__errs.push(String(e.reason && e.reason.stack || e.reason)));true`)(c, tg)
			return chromedp.Void{}, err
		})},
		{"type the question", chromedp.SendKeys(chromedp.ID("question"), "how do I make a prevent referral")},
		{"send it", chromedp.Click(chromedp.ID("send"))},
		{"find an answer", chromedp.WaitVisible(chromedp.CSS(".card-answer"))},
		{"find Show the steps", chromedp.WaitVisible(chromedp.Search(showSteps))},
		{"press Not helpful", chromedp.Click(chromedp.Search(`//button[normalize-space()="Not helpful"]`))},
		{"see the thanks", chromedp.WaitVisible(chromedp.Search(`//*[contains(text(), "Thank you: noted")]`))},
	} {
		fail(step.what, chromedp.Do(within(), step.do))
	}
	bookDisabled, err := chromedp.Run(within(), chromedp.Evaluate[bool](
		`Array.from(document.querySelectorAll('button')).filter(b => /^Book a /.test(b.textContent)).some(b => b.disabled)`))
	fail("read the booking buttons", err)
	notHelpfulDisabled, err := chromedp.Run(within(), chromedp.Evaluate[bool](
		`Array.from(document.querySelectorAll('button')).filter(b => b.textContent === 'Not helpful').every(b => b.disabled)`))
	fail("read the feedback buttons", err)
	fail("show the steps", chromedp.Do(within(),
		chromedp.Click(chromedp.Search(showSteps)),
		chromedp.WaitVisible(chromedp.CSS(".document")),
	))
	docText, err := chromedp.Run(within(), chromedp.Text(chromedp.CSS(".document")))
	fail("read the document", err)
	tel, err := chromedp.Run(within(), chromedp.AttributeValue(chromedp.CSS(`.document a[href^="tel:"]`), "href"))
	fail("read a phone link", err)
	telHref := tel.Value
	ooh, err := chromedp.Run(within(), chromedp.Evaluate[int](`document.querySelectorAll('.card-contact dd a[href^="tel:"]').length`))
	fail("count the contacts' phone links", err)
	shot, err := chromedp.Run(within(), chromedp.FullScreenshot(100)) // 100: PNG
	fail("screenshot", err)
	for _, want := range []string{"Steps", "Tell your team manager", "Record it on ValeCare", "What happens next"} {
		if !strings.Contains(docText, want) {
			t.Errorf("the whole document lacks %q:\n%s", want, docText)
		}
	}
	if telHref != "tel:01632961210" {
		t.Errorf("the duty manager's number links to %q, want tel:01632961210", telHref)
	}
	if ooh < 3 { // two phones and an out-of-hours number at least
		t.Errorf("%d phone links on the contact cards, want their phones and out-of-hours numbers", ooh)
	}
	if bookDisabled {
		t.Error("marking the answer not helpful disabled the booking buttons")
	}
	if !notHelpfulDisabled {
		t.Error("the feedback buttons stay enabled after feedback was given")
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 500 || b.Dy() < 500 {
		t.Errorf("the screenshot is %v, too small to show the page", b)
	}
	dir := t.TempDir()
	if d := os.Getenv("WAYMARK_SCREENSHOTS"); d != "" {
		dir = d // to look at
	}
	out := filepath.Join(dir, "whole-document.png")
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", out, len(shot))
}

// TestBrowserSignsIn drives sign-in in headless Chromium: the page of a
// chat that needs sign-in shows only how to sign in; the button goes to
// the council's provider and back; the page then says who is signed in,
// and a question reaches the engine as that person, with the page's CSRF
// token; signing out shows the sign-in again.
func TestBrowserSignsIn(t *testing.T) {
	exe := chromium(t)
	s := newSigninServer(t, true)
	_, within, fail := startBrowser(t, exe)
	for _, step := range []struct {
		what string
		do   chromedp.Action[chromedp.Void]
	}{
		{"open the page", chromedp.Navigate(s.URL + "/")},
		{"find the sign-in button", chromedp.WaitVisible(chromedp.ID("sign-in"))},
		{"see the link hint", chromedp.WaitVisible(chromedp.Search(`//*[contains(text(), "one-time") or contains(text(), "signs you in once")]`))},
		{"sign in", chromedp.Click(chromedp.ID("sign-in"))},
		{"come back signed in", chromedp.WaitVisible(chromedp.ID("signed-in"))},
		{"find the question box", chromedp.WaitVisible(chromedp.ID("question"))},
		{"type a question", chromedp.SendKeys(chromedp.ID("question"), "who is the LADO")},
		{"send it", chromedp.Click(chromedp.ID("send"))},
		{"see the reply", chromedp.WaitVisible(chromedp.Search(`//*[contains(@class, "msg-bot")]//*[text()="ok"]`))},
	} {
		fail(step.what, chromedp.Do(within(), step.do))
	}
	who, err := chromedp.Run(within(), chromedp.Text(chromedp.ID("signed-in")))
	fail("read who is signed in", err)
	if who != "Signed in as Sam Okafor" {
		t.Errorf("the page says %q", who)
	}
	if ms := s.rec.messages(); len(ms) != 1 || ms[0].UserName != "Sam Okafor" {
		t.Errorf("messages that reached the engine: %+v", ms)
	}
	stored, err := chromedp.Run(within(), chromedp.Evaluate[string](`JSON.stringify(Object.assign({}, window.localStorage)) + document.cookie`))
	fail("read the page's storage", err)
	if strings.Contains(stored, "waymark_session") {
		t.Errorf("the page can read the session cookie: %s", stored)
	}
	fail("sign out", chromedp.Do(within(), chromedp.Click(chromedp.ID("sign-out"))))
	fail("see the sign-in again", chromedp.Do(within(), chromedp.WaitVisible(chromedp.ID("sign-in"))))
}
