package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

func TestStatusOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{bot.Errorf(bot.EInvalid, "x"), 400},
		{bot.Errorf(bot.EUnauthorized, "x"), 401},
		{bot.Errorf(bot.EForbidden, "x"), 403},
		{bot.Errorf(bot.ENotFound, "x"), 404},
		{bot.Errorf(bot.EConflict, "x"), 409},
		{bot.Errorf(bot.EUnavailable, "x"), 503},
		{errors.New("boom"), 500},
		{&http.MaxBytesError{Limit: 1}, 413},
	} {
		if got := handlers.StatusOf(tc.err); got != tc.want {
			t.Errorf("StatusOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestServer(t *testing.T) {
	var logs bytes.Buffer
	down := false
	s := handlers.NewServer(slog.New(slog.NewTextHandler(&logs, nil)), map[string]handlers.Check{
		"redis": func(context.Context) error {
			if down {
				return bot.Errorf(bot.EUnavailable, "Redis is not answering.")
			}
			return nil
		},
	})
	s.Handle("POST /echo", func(w http.ResponseWriter, r *http.Request) error {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		if string(b) == "secret question about a child" {
			return errors.New("internal failure")
		}
		if len(b) == 0 {
			return bot.Errorf(bot.EInvalid, "Send a body.")
		}
		w.Write(b)
		return nil
	})
	srv := httptest.NewServer(s)
	defer srv.Close()

	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(body string) (int, map[string]string) {
		resp, err := http.Post(srv.URL+"/echo", "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]string
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}

	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, `"redis":"ok"`) {
		t.Errorf("/readyz = %d %q", code, body)
	}
	down = true
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "Redis is not answering.") {
		t.Errorf("/readyz with Redis down = %d %q", code, body)
	}
	if code, m := post(""); code != 400 || m["error"] != "Send a body." {
		t.Errorf("invalid = %d %v", code, m)
	}
	if code, m := post(strings.Repeat("x", handlers.MaxBodyBytes+1)); code != 413 || m["error"] == "" {
		t.Errorf("oversized = %d %v", code, m)
	}
	code, m := post("secret question about a child")
	if code != 500 || strings.Contains(m["error"], "internal failure") {
		t.Errorf("internal = %d %v: the cause must not be shown", code, m)
	}
	if !strings.Contains(logs.String(), "internal failure") || strings.Contains(logs.String(), "secret question") {
		t.Errorf("log %q: want the cause logged and the body never", logs.String())
	}
}
