package redisstore_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

// slaBreach is the escalation a claim SLA breach of WM-000042 starts.
func slaBreach(at time.Time) bot.Escalation {
	return bot.Escalation{
		Trigger:               bot.TriggerClaimSLA,
		ConsultationRef:       "WM-000042",
		Urgency:               bot.UrgencyUrgent,
		Requester:             priya,
		RequesterConversation: "D1",
		Summary:               "WM-000042, an urgent psychology request, has not been claimed in 30 minutes.",
		CreatedAt:             at,
	}
}

func mustEscalate(tb testing.TB, s *redisstore.Store, e bot.Escalation) bot.Escalation {
	tb.Helper()
	e, err := s.CreateEscalation(tb.Context(), e)
	if err != nil {
		tb.Fatalf("CreateEscalation: %v", err)
	}
	return e
}

// advance calls Advance, failing tb on an error.
func advance(tb testing.TB, s *redisstore.Store, id string, level, prompt int, exhausted bool) (bot.Escalation, bool) {
	tb.Helper()
	e, ok, err := s.Advance(tb.Context(), id, level, prompt, exhausted)
	if err != nil {
		tb.Fatalf("Advance(%d, %d): %v", level, prompt, err)
	}
	return e, ok
}

func TestCreateEscalation(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()

	in := slaBreach(t0)
	in.ID, in.State, in.AckBy = "ESC-999999", bot.EscalationAcknowledged, ada // ignored
	e := mustEscalate(t, s, in)
	want := slaBreach(t0)
	want.ID, want.State = "ESC-000001", bot.EscalationOpen
	if !reflect.DeepEqual(e, want) {
		t.Fatalf("CreateEscalation = %+v, want %+v", e, want)
	}
	if got, err := s.Escalation(ctx, "esc-000001"); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Escalation = %+v, %v; want %+v", got, err, want)
	}

	manual := bot.Escalation{Trigger: bot.TriggerManual, Urgency: bot.UrgencyUrgent, Requester: priya, Summary: "risk: neglect", CreatedAt: t0.Add(time.Minute), Level: 0, Prompt: 1}
	if e := mustEscalate(t, s, manual); e.ID != "ESC-000002" || e.Prompt != 1 {
		t.Errorf("second escalation %s, prompt %d; want ESC-000002 at prompt 1 as given", e.ID, e.Prompt)
	}
	trail := []bot.AuditEntry{
		{At: t0, Ref: "ESC-000001", Actor: "system", Action: bot.AuditEscalated, Detail: "claim_sla WM-000042 urgent"},
		{At: t0.Add(time.Minute), Ref: "ESC-000002", Actor: priya.Key(), Action: bot.AuditEscalated, Detail: "manual urgent"},
	}
	if got := auditOf(t, s, time.Time{}); !reflect.DeepEqual(got, trail) {
		t.Errorf("audit:\n got %+v\nwant %+v", got, trail)
	}

	_, err := s.Escalation(ctx, "ESC-000099")
	wantError(t, "unknown", err, bot.ENotFound, "No escalation ESC-000099.")
	_, err = s.Escalation(ctx, "WM-000001")
	wantError(t, "not an id", err, bot.EInvalid, "That is not an escalation id: they look like ESC-000007.")
	_, err = s.CreateEscalation(ctx, bot.Escalation{Trigger: bot.TriggerRisk})
	wantKind(t, "no time", err, bot.EInvalid)
}

func TestAcknowledge(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	e := mustEscalate(t, s, slaBreach(t0))
	at := t0.Add(5 * time.Minute)

	got, err := s.Acknowledge(ctx, e.ID, ada, at)
	if err != nil {
		t.Fatal(err)
	}
	want := e
	want.State, want.AckBy, want.AckAt = bot.EscalationAcknowledged, ada, at
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Acknowledge = %+v, want %+v", got, want)
	}
	_, err = s.Acknowledge(ctx, e.ID, ben, at.Add(time.Minute))
	wantError(t, "a second acknowledgement", err, bot.EConflict, "Already acknowledged by Ada Okafor.")
	_, err = s.Acknowledge(ctx, e.ID, ada, at.Add(time.Minute))
	wantError(t, "acknowledged again by the same person", err, bot.EConflict, "Already acknowledged by Ada Okafor.")
	if got, _ := s.Escalation(ctx, e.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("after the refused acknowledgements: %+v", got)
	}

	// The ladder has stopped.
	if got, ok := advance(t, s, e.ID, 0, 2, false); ok || !reflect.DeepEqual(got, want) {
		t.Errorf("Advance after Acknowledge = %+v, %v; want it unchanged, false", got, ok)
	}

	_, err = s.Acknowledge(ctx, "ESC-000099", ada, at)
	wantError(t, "unknown", err, bot.ENotFound, "No escalation ESC-000099.")
	_, err = s.Acknowledge(ctx, e.ID, bot.Person{}, at)
	wantKind(t, "no one", err, bot.EInvalid)

	var acks []bot.AuditEntry
	for _, a := range auditOf(t, s, time.Time{}) {
		if a.Action == bot.AuditAcknowledged {
			acks = append(acks, a)
		}
	}
	if want := []bot.AuditEntry{{At: at, Ref: e.ID, Actor: ada.Key(), Action: bot.AuditAcknowledged, Detail: "WM-000042"}}; !reflect.DeepEqual(acks, want) {
		t.Errorf("acknowledgements audited: %+v, want %+v", acks, want)
	}
}

func TestConcurrentAcknowledgementsOneWins(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	e := mustEscalate(t, s, slaBreach(t0))
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			p := bot.Person{Platform: bot.PlatformSlack, TeamID: "T1", UserID: fmt.Sprintf("M%02d", i), Name: fmt.Sprintf("Manager %02d", i)}
			_, errs[i] = s.Acknowledge(t.Context(), e.ID, p, t0.Add(time.Minute))
		})
	}
	close(start)
	wg.Wait()
	got, err := s.Escalation(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var wins int
	for i, err := range errs {
		if err == nil {
			wins++
			continue
		}
		wantError(t, fmt.Sprint("manager ", i), err, bot.EConflict, "Already acknowledged by "+got.AckBy.Name+".")
	}
	if wins != 1 {
		t.Errorf("%d acknowledgements won, want 1", wins)
	}
}

func TestAdvance(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	e := mustEscalate(t, s, slaBreach(t0)) // level 0, prompt 0: nothing sent yet

	steps := []struct {
		level, prompt int
		exhausted     bool
		ok            bool
		state         string
		atLevel       int
		atPrompt      int
	}{
		{0, 1, false, true, bot.EscalationOpen, 0, 1},
		{0, 1, false, false, bot.EscalationOpen, 0, 1}, // the same step again: a second replica, a late timer
		{0, 0, false, false, bot.EscalationOpen, 0, 1}, // backwards
		{0, 2, false, true, bot.EscalationOpen, 0, 2},
		{1, 1, false, true, bot.EscalationOpen, 1, 1},
		{0, 3, false, false, bot.EscalationOpen, 1, 1}, // an earlier level's repeat
		{1, 1, false, false, bot.EscalationOpen, 1, 1},
		{3, 1, false, true, bot.EscalationOpen, 3, 1}, // levels may be skipped
		{4, 1, true, true, bot.EscalationExhausted, 4, 1},
		{5, 1, false, false, bot.EscalationExhausted, 4, 1}, // exhausted: the ladder has ended
		{5, 1, true, false, bot.EscalationExhausted, 4, 1},
	}
	for i, st := range steps {
		got, ok := advance(t, s, e.ID, st.level, st.prompt, st.exhausted)
		if ok != st.ok || got.State != st.state || got.Level != st.atLevel || got.Prompt != st.atPrompt {
			t.Errorf("step %d, Advance(%d, %d, %v) = %s at (%d, %d), %v; want %s at (%d, %d), %v",
				i, st.level, st.prompt, st.exhausted, got.State, got.Level, got.Prompt, ok, st.state, st.atLevel, st.atPrompt, st.ok)
		}
	}

	// An exhausted escalation can still be acknowledged.
	got, err := s.Acknowledge(t.Context(), e.ID, ada, t0.Add(time.Hour))
	if err != nil || got.State != bot.EscalationAcknowledged || got.Level != 4 {
		t.Errorf("acknowledge an exhausted one: %+v, %v", got, err)
	}

	_, _, err = s.Advance(t.Context(), "ESC-000099", 0, 1, false)
	wantError(t, "unknown", err, bot.ENotFound, "No escalation ESC-000099.")
	_, _, err = s.Advance(t.Context(), e.ID, -1, 1, false)
	wantKind(t, "negative level", err, bot.EInvalid)
}

// Replicas firing the same step at once: one of them prompts.
func TestConcurrentAdvanceOneWins(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	e := mustEscalate(t, s, slaBreach(t0))
	const n = 20
	oks := make([]bool, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, oks[i], _ = s.Advance(t.Context(), e.ID, 0, 1, false)
		})
	}
	close(start)
	wg.Wait()
	var wins int
	for _, ok := range oks {
		if ok {
			wins++
		}
	}
	if wins != 1 {
		t.Errorf("%d replicas advanced the same step, want 1", wins)
	}
}

func TestEscalationIsStoredAsHash(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	e := mustEscalate(t, s, slaBreach(t0))
	if _, err := s.Acknowledge(ctx, e.ID, ben, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Client().HGetAll(ctx, s.Keys().Escalation(e.ID)).Result()
	if err != nil {
		t.Fatal(err)
	}
	delete(got, "op")
	want := map[string]string{
		"id":                     "ESC-000001",
		"trigger":                "claim_sla",
		"consultation_ref":       "WM-000042",
		"urgency":                "urgent",
		"requester_platform":     "slack",
		"requester_team_id":      "T1",
		"requester_user_id":      "U1",
		"requester_name":         "Priya Shah",
		"requester_conversation": "D1",
		"summary":                e.Summary,
		"level":                  "0",
		"prompt":                 "0",
		"state":                  "acknowledged",
		"ack_by_platform":        "slack",
		"ack_by_team_id":         "T1",
		"ack_by_user_id":         "U3",
		"ack_by_name":            "",
		"created_at":             "2026-11-23T09:00:00Z",
		"ack_at":                 "2026-11-23T09:01:00Z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HGETALL:\n got %v\nwant %v", got, want)
	}
}
