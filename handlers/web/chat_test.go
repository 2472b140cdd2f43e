package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestPageAndAssets(t *testing.T) {
	s := newTestServer(t, &recorder{})
	for _, tc := range []struct {
		path, contentType, contains string
	}{
		{"/", "text/html; charset=utf-8", `<textarea id="question"`},
		{"/static/index.html", "text/html; charset=utf-8", `<textarea id="question"`},
		{"/static/chat.js", "text/javascript; charset=utf-8", `fetch("/api/chat"`},
		{"/static/chat.css", "text/css; charset=utf-8", ".notice-act_now"},
	} {
		r := s.get(t, tc.path)
		if r.status != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", tc.path, r.status)
			continue
		}
		if got := r.header.Get("Content-Type"); got != tc.contentType {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.contentType)
		}
		if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", tc.path, got)
		}
		if r.header.Get("ETag") == "" || r.header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: ETag %q, Cache-Control %q: want an ETag and no-cache", tc.path, r.header.Get("ETag"), r.header.Get("Cache-Control"))
		}
		if !strings.Contains(string(r.body), tc.contains) {
			t.Errorf("GET %s: body does not contain %q", tc.path, tc.contains)
		}
	}

	page := s.get(t, "/")
	csp := page.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("page Content-Security-Policy %q lacks %q", csp, want)
		}
	}

	// Every asset the page names is served.
	for _, m := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(string(page.body), -1) {
		if r := s.get(t, m[1]); r.status != http.StatusOK {
			t.Errorf("the page names %s, which is %d", m[1], r.status)
		}
	}

	// A conditional request with the ETag is a 304.
	etag := s.get(t, "/static/chat.js").header.Get("ETag")
	if r := s.do(t, http.MethodGet, "/static/chat.js", "", "", http.Header{"If-None-Match": {etag}}); r.status != http.StatusNotModified {
		t.Errorf("GET with If-None-Match = %d, want 304", r.status)
	}

	for _, path := range []string{"/static/missing.js", "/static/", "/nothing-here", "/static/sub/chat.js"} {
		if r := s.get(t, path); r.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, r.status)
		}
	}
	if r := s.do(t, http.MethodPost, "/", "text/plain", "x", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", r.status)
	}
}

// TestAssetsSelfContained checks the rules the page keeps: nothing fetched
// from another site, no inline script or style (the CSP forbids them), and
// no innerHTML anywhere.
func TestAssetsSelfContained(t *testing.T) {
	s := newTestServer(t, &recorder{})
	html := string(s.get(t, "/").body)
	js := string(s.get(t, "/static/chat.js").body)
	css := string(s.get(t, "/static/chat.css").body)

	external := regexp.MustCompile(`(?i)(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import`)
	for name, body := range map[string]string{"index.html": html, "chat.js": js, "chat.css": css} {
		if m := external.FindString(body); m != "" {
			t.Errorf("%s loads something from another site: %q", name, m)
		}
	}
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|\son[a-z]+=|style=`).MatchString(html) {
		t.Error("index.html has inline script or style, which the Content-Security-Policy blocks")
	}
	for _, banned := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if strings.Contains(js, banned) {
			t.Errorf("chat.js uses %s: build elements and set textContent instead", banned)
		}
	}
}

// A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding)
// reaches nothing: the chat answers only requests to a loopback name.
func TestChatAnswersOnlyLoopbackNames(t *testing.T) {
	s := newTestServer(t, &recorder{})
	for host, ok := range map[string]bool{"127.0.0.1": true, "localhost:8080": true, "[::1]:8080": true, "evil.example": false, "evil.example:8080": false, "10.0.0.5:8080": false} {
		req, err := http.NewRequest(http.MethodGet, s.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.StatusCode == http.StatusOK; got != ok {
			t.Errorf("Host %s: status %d, want allowed %v", host, resp.StatusCode, ok)
		}
	}
}
