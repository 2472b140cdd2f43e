package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/internal/toyplatform"
)

// toyYAML turns the toy platform on and puts the desk on it.
const toyYAML = `
toy:
  enabled: true
  greeting: hi from the toy
consultations:
  specialists:
    prevent: ["toy:P1"]
  queues:
    prevent: toy:channel:prevent-queue
escalation:
  policies:
    urgent:
      claim_within: 30m
      levels:
        - {name: duty manager, targets: ["toy:channel:duty"], acknowledgers: ["toy:duty-manager"], repeat_every: 10m}
    routine:
      claim_within: 4h
      levels:
        - {name: duty manager, targets: ["toy:channel:duty"], acknowledgers: ["toy:duty-manager"], repeat_every: 1h}
`

// TestToyPlatformIsOneRegistration: a platform added to the list, with no
// change anywhere else, gets its configuration section, its target syntax,
// its routes and the desk's notes; a question and a risk round-trip
// through it.
func TestToyPlatformIsOneRegistration(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("waymark.yaml", []byte(toyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	env := map[string]string{"WAYMARK_HTTP_ADDR": addr}

	// Without its registration, its section is an unknown setting.
	var out, errOut strings.Builder
	err := runWith(context.Background(), platforms, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), `unknown setting "toy.enabled"`) {
		t.Fatalf("serve without the toy registered: %v", err)
	}

	withToy := append(slices.Clone(platforms), toyplatform.Platform)
	base := "http://" + addr
	startServeWith(t, withToy, base, env, "serve")

	var a toyplatform.Answer
	postJSON(t, base+"/toy/messages", `{"user":"P9","text":"how do I make a prevent referral"}`, &a)
	if a.Greeting != "hi from the toy" || len(a.Docs) == 0 {
		t.Errorf("answer through the toy = %+v, want its greeting and cited documents", a)
	}
	postJSON(t, base+"/toy/messages", `{"user":"P9","text":"a 15 year old in my class says he is flying to Syria tomorrow to join a group, what do I do"}`, &a)
	var notes []toyplatform.Note
	getJSON(t, base+"/toy/notes", &notes)
	if len(notes) == 0 || notes[0].Channel != "duty" {
		t.Errorf("notes the desk sent the toy = %+v, want the risk prompt in its duty channel", notes)
	}

	// Its target syntax is its own: the toy has channels only.
	bad := strings.Replace(toyYAML, "toy:channel:duty", "toy:user:duty", 1)
	if err := os.WriteFile("waymark.yaml", []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	err = runWith(context.Background(), withToy, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), `target "toy:user:duty": toy targets are channels`) {
		t.Errorf("a toy user target: %v", err)
	}
}

// routesOf lists the patterns of routes, for messages.
func routesOf(rs []handlers.Route) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Pattern)
	}
	return out
}

// TestTwoPlatformsCannotClaimOneRoute: a pattern mounted twice is an
// error Open reports, not a panic.
func TestTwoPlatformsCannotClaimOneRoute(t *testing.T) {
	r := handlers.Route{Pattern: "POST /toy/messages", Handler: func(http.ResponseWriter, *http.Request) error { return nil }}
	srv := handlers.NewServer(nil, nil)
	if err := mountOnce(srv, []handlers.Route{r, r}); err == nil || !strings.Contains(err.Error(), "POST /toy/messages") {
		t.Errorf("mountOnce(%q) = %v", routesOf([]handlers.Route{r, r}), err)
	}
}

func postJSON(t *testing.T, url, body string, v any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	decodeJSON(t, resp, v)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	decodeJSON(t, resp, v)
}

func decodeJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %s", resp.Request.URL, resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v: %s", resp.Request.URL, err, data)
	}
}
