package main

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/internal/redistest"
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
