// Package browsertest drives headless Chromium for tests of the web chat
// and the console, with chromedp.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium is the headless browser pages are tested in: WAYMARK_CHROMIUM,
// or Debian's chromium on the PATH. The test fails, saying how to get one,
// when there is none: the pages' behaviour is part of the product.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("WAYMARK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the browser tests need headless Chromium: apt-get install chromium (or set WAYMARK_CHROMIUM to a Chrome binary)")
	return ""
}

// Start starts headless Chromium exe for t: its context, a bound for each
// step (only so that a broken page ends the test; nothing waits on the
// clock), and fail, which ends the test showing the page.
func Start(t testing.TB, exe string) (context.Context, func() context.Context, func(string, error)) {
	t.Helper()
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
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	within := func() context.Context {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		t.Cleanup(cancel)
		return c
	}
	fail := func(what string, err error) {
		t.Helper()
		if err != nil {
			page, _ := chromedp.Run(within(), chromedp.Evaluate[string](`JSON.stringify(window.__errs||[]) + ' | ' + document.body.innerText`))
			t.Fatalf("in Chromium (%s), %s: %v\nthe page shows: %s", exe, what, err, page)
		}
	}
	// The browser starts on the test's context, not a step's.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", exe, err)
	}
	return ctx, within, fail
}

// Step is one thing a person does in the browser.
type Step struct {
	What string
	Do   chromedp.Action[chromedp.Void]
}

// Run does steps in order, each within its bound, failing at the first
// that does not work.
func Run(within func() context.Context, fail func(string, error), steps ...Step) {
	for _, s := range steps {
		fail(s.What, chromedp.Do(within(), s.Do))
	}
}
