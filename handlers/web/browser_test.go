package web_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium is the headless browser the page is tested in: WAYMARK_CHROMIUM,
// or Debian's chromium on the PATH. The test fails, saying how to get one,
// when there is none: the page's behaviour is part of the product.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("WAYMARK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the web chat's browser test needs headless Chromium: apt-get install chromium (or set WAYMARK_CHROMIUM to a Chrome binary)")
	return ""
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

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, // as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1000, 1400),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// within bounds a step, only so that a broken page ends the test;
	// nothing waits on the clock.
	within := func() context.Context {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		t.Cleanup(cancel)
		return c
	}

	fail := func(what string, err error) {
		t.Helper()
		if err != nil {
			page, _ := chromedp.Run(within(), chromedp.Evaluate[string](`JSON.stringify(window.__errs||[]) + ' | ' + document.getElementById('messages').innerText`))
			t.Fatalf("in Chromium (%s), %s: %v\nthe page shows: %s", exe, what, err, page)
		}
	}
	// The browser starts on the test's context, not a step's.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", exe, err)
	}
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
