package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/web"
	"github.com/waymarkhq/waymark/internal/redistest"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// notes is a bot.Notifier standing in for the chat platform the desk
// reaches specialists on: it records what it is asked to send.
type notes struct {
	mu   sync.Mutex
	sent []note
}

type note struct {
	to    bot.Target
	reply bot.Reply
}

var _ bot.Notifier = (*notes)(nil)

func (n *notes) Notify(_ context.Context, t bot.Target, r bot.Reply) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, note{t, r})
	return nil
}

func (n *notes) to(id string) []note {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []note
	for _, x := range n.sent {
		if x.to.ID == id {
			out = append(out, x)
		}
	}
	return out
}

// mustDeskChat serves the web chat over the real engine with a desk, on
// the sample corpus and the package's redis-server.
func mustDeskChat(t *testing.T) (*httptest.Server, *redisstore.Store, *notes) {
	t.Helper()
	c, err := knowledge.Load(sample.FS(), "sample")
	if err != nil {
		t.Fatal(err)
	}
	kb, err := knowledge.New(c, knowledge.Options{Clock: fixedClock{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kb.Close() })
	store, err := redisstore.New(redisstore.Config{URL: redistest.Shared(t).URL(), Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	sent := &notes{}
	cal, err := bot.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	duty := []bot.EscalationLevel{{Name: "duty manager", RepeatEvery: 10 * time.Minute,
		Targets: []bot.Target{{Platform: bot.PlatformSlack, Kind: bot.TargetChannel, ID: "C0DUTY001"}}}}
	desk, err := bot.NewDesk(kb, bot.DeskOptions{
		Consultations: store, Escalations: store, Timers: store, Notifier: sent,
		Specialists: map[string][]string{"psychology": {"slack:U0PSY0001"}},
		Queues:      map[string]bot.Target{"psychology": {Platform: bot.PlatformSlack, Kind: bot.TargetChannel, ID: "C0PSYQ001"}},
		Policies: map[string]bot.EscalationPolicy{
			bot.UrgencyUrgent:  {Urgency: bot.UrgencyUrgent, ClaimWithin: 30 * time.Minute, Levels: duty},
			bot.UrgencyRoutine: {Urgency: bot.UrgencyRoutine, ClaimWithinWorkingDays: 2, Levels: duty},
		},
		Calendar: cal,
		Clock:    fixedClock{},
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	engine := bot.NewEngine(kb, store, bot.EngineOptions{Clock: fixedClock{}, Log: log, DefaultArea: c.Area, Desk: desk})
	s := handlers.NewServer(log, nil)
	s.Mount(web.New(engine, log).Routes()...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, store, sent
}

// TestChatBooksConsultation: /consult gives the booking form as JSON; the
// form sent back with its action books a consultation; one that names the
// child is refused with the reason, and nothing of it is kept.
func TestChatBooksConsultation(t *testing.T) {
	srv, store, sent := mustDeskChat(t)
	post := func(req map[string]any) (int, web.Reply, string) {
		t.Helper()
		req["session"] = session
		b, _ := json.Marshal(req)
		resp, err := srv.Client().Post(srv.URL+"/api/chat", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			web.Reply
			Error string `json:"error"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body.Reply, body.Error
	}

	code, r, _ := post(map[string]any{"text": "/consult psychology"})
	if code != http.StatusOK || r.Form == nil || r.Form.ID != bot.ActionBook || len(r.Form.Fields) != 5 {
		t.Fatalf("/consult psychology = %d %+v, want the booking form", code, r)
	}
	// The page sends each field's value, changed where the practitioner
	// wrote.
	values := map[string]any{}
	for _, f := range r.Form.Fields {
		values[f.Name] = f.Value
	}
	if values["specialism"] != "psychology" || values["urgency"] != bot.UrgencyRoutine {
		t.Errorf("initial values %v", values)
	}
	values["question"] = "how do I talk to a withdrawn 15 year old about his new online friends?"
	values["times"] = "Tuesday afternoon"

	code, booked, _ := post(map[string]any{"action": map[string]any{"id": r.Form.ID}, "form": values})
	if code != http.StatusOK || !strings.Contains(booked.Text, "Request WM-000001 is with the psychology specialists") || booked.Form != nil {
		t.Fatalf("booking = %d %+v", code, booked)
	}
	if q := sent.to("C0PSYQ001"); len(q) != 1 || !strings.Contains(q[0].reply.Text, "WM-000001") {
		t.Errorf("queue notified %+v", q)
	}

	values["question"] = "Maisie Okafor dob 02/02/2012 keeps watching beheading videos"
	code, _, msg := post(map[string]any{"action": map[string]any{"id": r.Form.ID}, "form": values})
	if code != http.StatusBadRequest || !strings.Contains(msg, "date of birth") || strings.Contains(msg, "Maisie") {
		t.Errorf("identifying booking = %d %q, want 400 with the reason", code, msg)
	}
	me := bot.Person{Platform: bot.PlatformWeb, UserID: session}
	if cs, err := store.ConsultationsOf(context.Background(), me); err != nil || len(cs) != 1 {
		t.Errorf("stored %d requests, %v; want only the first", len(cs), err)
	}

	if code, mine, _ := post(map[string]any{"text": "/my"}); code != http.StatusOK || !strings.Contains(mine.Text, "WM-000001 · psychology · routine · queued") {
		t.Errorf("/my = %d %q", code, mine.Text)
	}
}
