package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/web"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// fixedClock is the tests' "now", so that review dates mean the same thing
// on every run.
type fixedClock struct{}

func (fixedClock) Now() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }

// mustEngineChat serves the web chat over the real engine, answering from
// the embedded sample corpus and remembering in the package's redis-server
// under keys of the test's own. logs receives every log line of the chat
// and the engine, as `waymark serve` gives them one logger.
func mustEngineChat(t *testing.T) (srv *httptest.Server, store *redisstore.Store, logs *bytes.Buffer) {
	t.Helper()
	kb, area := mustSampleKnowledge(t)
	store, err := redisstore.New(redisstore.Config{URL: redistest.Shared(t).URL(), Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })

	logs = &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	engine := bot.NewEngine(kb, store, bot.EngineOptions{Clock: fixedClock{}, Log: log, DefaultArea: area})
	s := handlers.NewServer(log, nil)
	s.Mount(web.New(engine, log).Routes()...)
	srv = httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, store, logs
}

func TestChatWithEngine(t *testing.T) {
	srv, store, logs := mustEngineChat(t)
	ask := func(req map[string]any) web.Reply {
		t.Helper()
		req["session"] = session
		b, _ := json.Marshal(req)
		resp, err := srv.Client().Post(srv.URL+"/api/chat", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			var e struct{ Error string }
			json.NewDecoder(resp.Body).Decode(&e)
			t.Fatalf("%v: status %d %q", req, resp.StatusCode, e.Error)
		}
		var r web.Reply
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}

	// user is who the engine knows the session as.
	user := bot.Message{Platform: bot.PlatformWeb, ConversationID: session, UserID: session}

	// A question: the LADO's contact card, dates as YYYY-MM-DD, feedback
	// buttons carrying the reply's ref.
	r := ask(map[string]any{"text": "who is the LADO"})
	var lado *web.Contact
	for i, c := range r.Contacts {
		if strings.Contains(c.Role, "LADO") {
			lado = &r.Contacts[i]
		}
	}
	if lado == nil || lado.Phone == "" || lado.Email == "" {
		t.Fatalf("who is the LADO: no LADO contact card with phone and email in %+v", r.Contacts)
	}
	date := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	for _, a := range r.Answers {
		if !date.MatchString(a.Reviewed) || a.Title == "" || a.DocID == "" {
			t.Errorf("answer card %+v: want an id, a title and a YYYY-MM-DD reviewed date", a)
		}
	}
	var helpful *web.Button
	for i, b := range r.Buttons {
		if b.ActionID == bot.ActionHelpful {
			helpful = &r.Buttons[i]
		}
	}
	if r.Ref == "" || helpful == nil || helpful.Value != r.Ref {
		t.Fatalf("ref %q, buttons %+v: want a Helpful button carrying the ref", r.Ref, r.Buttons)
	}
	conv, err := store.Conversation(context.Background(), user.ConversationKey())
	if err != nil || conv.LastQuestion == "" {
		t.Errorf("conversation in Redis = %+v, %v: want the session's conversation saved", conv, err)
	}

	// Pressing Helpful sends the button's action, and the verdict reaches
	// the feedback stream: one entry, for this answer.
	if r := ask(map[string]any{"action": map[string]any{"id": helpful.ActionID, "value": helpful.Value}}); !strings.HasPrefix(r.Text, "Thank you: noted") {
		t.Errorf("Helpful: text %q, want thanks", r.Text)
	}
	entries, err := store.Client().XRange(context.Background(), store.Keys().Feedback(), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("%d entries in the feedback stream, want 1: %+v", len(entries), entries)
	}
	// The user is recorded as the engine chooses (a pseudonym): only its
	// presence is checked.
	if v := entries[0].Values; v["ref"] != r.Ref || v["verdict"] != bot.VerdictHelpful || v["user"] == "" {
		t.Errorf("feedback %v, want ref %s, verdict %s and a user", v, r.Ref, bot.VerdictHelpful)
	}
	// A follow-up suggestion is sent as the ask action.
	if len(r.FollowUps) == 0 {
		t.Fatal("no follow-up suggestions")
	}
	if r := ask(map[string]any{"action": map[string]any{"id": bot.ActionAsk, "value": r.FollowUps[0]}}); r.Text == "" {
		t.Errorf("follow-up %q: empty reply", r.FollowUps[0])
	}

	// Commands typed in the box.
	if r := ask(map[string]any{"text": "/area Wyvern Vale"}); !strings.Contains(r.Text, "Wyvern Vale") {
		t.Errorf("/area Wyvern Vale: text %q", r.Text)
	}
	if p, err := store.Profile(context.Background(), user.UserKey()); err != nil || p.Area != "Wyvern Vale" {
		t.Errorf("profile in Redis = %+v, %v: want the area set", p, err)
	}
	if r := ask(map[string]any{"text": "/help"}); !strings.Contains(r.Text, "Commands") {
		t.Errorf("/help: text %q", r.Text)
	}

	// An immediate risk: the act-now notice comes first.
	const urgent = "he has bought a plane ticket to Syria to join them"
	r = ask(map[string]any{"text": urgent})
	if len(r.Notices) == 0 || r.Notices[0].Kind != bot.NoticeActNow || !strings.Contains(r.Notices[0].Text, "999") {
		t.Errorf("urgent question: notices %+v, want act_now first", r.Notices)
	}

	// Nothing in the corpus answers: an honest "I don't know".
	r = ask(map[string]any{"text": "what are the bin collection days"})
	if len(r.Answers) != 0 || !strings.Contains(r.Text, "I don't know") {
		t.Errorf("bin collection days: text %q, %d answers", r.Text, len(r.Answers))
	}

	for _, banned := range []string{"who is the LADO", "plane ticket", "bin collection", session} {
		if strings.Contains(logs.String(), banned) {
			t.Errorf("the log holds %q:\n%s", banned, logs.String())
		}
	}
}
