package redisstore_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

// t0 is when the tests' consultations are booked.
var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

var (
	priya = bot.Person{Platform: bot.PlatformSlack, TeamID: "T1", UserID: "U1", Name: "Priya Shah"}
	ada   = bot.Person{Platform: bot.PlatformSlack, TeamID: "T1", UserID: "U2", Name: "Ada Okafor"}
	ben   = bot.Person{Platform: bot.PlatformSlack, TeamID: "T1", UserID: "U3"} // no name: shown by id
	// webUser has no team, so some of its stored fields are empty.
	webUser = bot.Person{Platform: "web", UserID: "w-7"}
)

// booking is a consultation request from requester at at.
func booking(requester bot.Person, at time.Time) bot.Consultation {
	return bot.Consultation{
		Specialism:            "psychology",
		Urgency:               bot.UrgencyRoutine,
		Question:              "How do I talk to a 14-year-old about a disclosure he withdrew?",
		Area:                  "Wyvern Vale",
		PreferredTimes:        "Tuesday afternoon",
		Requester:             requester,
		RequesterConversation: "D1",
		CreatedAt:             at,
		ClaimBy:               at.Add(48 * time.Hour),
	}
}

// mustCreate books a consultation, failing tb on an error.
func mustCreate(tb testing.TB, s *redisstore.Store, c bot.Consultation) bot.Consultation {
	tb.Helper()
	c, err := s.CreateConsultation(tb.Context(), c)
	if err != nil {
		tb.Fatalf("CreateConsultation: %v", err)
	}
	return c
}

// wantError fails tb unless err is a *bot.Error of kind with message.
func wantError(tb testing.TB, what string, err error, kind, message string) {
	tb.Helper()
	var berr *bot.Error
	if !errors.As(err, &berr) {
		tb.Errorf("%s: error %v, want a %s *bot.Error %q", what, err, kind, message)
		return
	}
	if berr.Kind != kind || berr.Message != message {
		tb.Errorf("%s: error %s %q, want %s %q", what, berr.Kind, berr.Message, kind, message)
	}
}

// auditOf returns the audit entries at or after since.
func auditOf(tb testing.TB, s *redisstore.Store, since time.Time) []bot.AuditEntry {
	tb.Helper()
	var es []bot.AuditEntry
	if err := s.AuditSince(tb.Context(), since, func(e bot.AuditEntry) error {
		es = append(es, e)
		return nil
	}); err != nil {
		tb.Fatalf("AuditSince: %v", err)
	}
	return es
}

func TestConsultationLifecycle(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

	in := booking(priya, at(0))
	in.Ref, in.State, in.Claimant = "WM-999999", bot.StateClosed, ada // ignored
	c := mustCreate(t, s, in)
	want := booking(priya, at(0))
	want.Ref, want.State = "WM-000001", bot.StateQueued
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("CreateConsultation = %+v, want %+v", c, want)
	}
	if got, err := s.Consultation(ctx, "WM-000001"); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Consultation = %+v, %v; want %+v", got, err, want)
	}

	c, err := s.Claim(ctx, c.Ref, ada, at(10))
	if err != nil {
		t.Fatal(err)
	}
	want.State, want.Claimant, want.ClaimedAt = bot.StateClaimed, ada, at(10)
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("after Claim: %+v, want %+v", c, want)
	}

	c, err = s.Unclaim(ctx, c.Ref, ada, at(20))
	if err != nil {
		t.Fatal(err)
	}
	want.State, want.Claimant, want.ClaimedAt = bot.StateQueued, bot.Person{}, time.Time{}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("after Unclaim: %+v, want %+v", c, want)
	}

	if c, err = s.Claim(ctx, c.Ref, ben, at(30)); err != nil {
		t.Fatal(err)
	}
	c, err = s.CloseConsultation(ctx, c.Ref, ben, "Talked it through; a plan for the next visit.", at(40))
	if err != nil {
		t.Fatal(err)
	}
	want.State, want.Claimant, want.ClaimedAt = bot.StateClosed, ben, at(30)
	want.ClosedAt, want.Outcome = at(40), "Talked it through; a plan for the next visit."
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("after Close: %+v, want %+v", c, want)
	}
	if got, err := s.Consultation(ctx, c.Ref); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Consultation after Close = %+v, %v; want %+v", got, err, want)
	}

	// References count up.
	for _, ref := range []string{"WM-000002", "WM-000003"} {
		if c := mustCreate(t, s, booking(ada, at(50))); c.Ref != ref {
			t.Errorf("next reference %q, want %q", c.Ref, ref)
		}
	}

	// The trail has every step, in order, with who did it.
	entry := func(min int, ref string, p bot.Person, action, detail string) bot.AuditEntry {
		return bot.AuditEntry{At: at(min), Ref: ref, Actor: p.Key(), Action: action, Detail: detail}
	}
	trail := []bot.AuditEntry{
		entry(0, "WM-000001", priya, bot.AuditCreated, "psychology routine"),
		entry(10, "WM-000001", ada, bot.AuditClaimed, ""),
		entry(20, "WM-000001", ada, bot.AuditUnclaimed, ""),
		entry(30, "WM-000001", ben, bot.AuditClaimed, ""),
		entry(40, "WM-000001", ben, bot.AuditClosed, ""),
		entry(50, "WM-000002", ada, bot.AuditCreated, "psychology routine"),
		entry(50, "WM-000003", ada, bot.AuditCreated, "psychology routine"),
	}
	if got := auditOf(t, s, time.Time{}); !reflect.DeepEqual(got, trail) {
		t.Errorf("audit trail:\n got %+v\nwant %+v", got, trail)
	}
	// AuditSince starts at its time, inclusive.
	if got := auditOf(t, s, at(30)); !reflect.DeepEqual(got, trail[3:]) {
		t.Errorf("AuditSince(+30m):\n got %+v\nwant %+v", got, trail[3:])
	}
	if got := auditOf(t, s, at(30).Add(time.Millisecond)); !reflect.DeepEqual(got, trail[4:]) {
		t.Errorf("AuditSince(+30m1ms):\n got %+v\nwant %+v", got, trail[4:])
	}
	if got := auditOf(t, s, at(51)); len(got) != 0 {
		t.Errorf("AuditSince after the last entry: %+v", got)
	}
}

func TestConcurrentClaimsOneWins(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	c := mustCreate(t, s, booking(priya, t0))

	const n = 50
	specialists := make([]bot.Person, n)
	errs := make([]error, n)
	for i := range specialists {
		specialists[i] = bot.Person{Platform: bot.PlatformSlack, TeamID: "T1", UserID: fmt.Sprintf("S%02d", i), Name: fmt.Sprintf("Specialist %02d", i)}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, p := range specialists {
		wg.Go(func() {
			<-start
			_, errs[i] = s.Claim(t.Context(), c.Ref, p, t0.Add(time.Minute))
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("both %s and %s claimed %s", specialists[winner].Name, specialists[i].Name, c.Ref)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("no claim won: %v", errs[0])
	}
	for i, err := range errs {
		if i != winner {
			wantError(t, specialists[i].Name, err, bot.EConflict, "Already claimed by "+specialists[winner].Name+".")
		}
	}
	got, err := s.Consultation(t.Context(), c.Ref)
	if err != nil || got.Claimant != specialists[winner] || got.State != bot.StateClaimed {
		t.Errorf("after the race: %+v, %v; want claimed by %s", got, err, specialists[winner].Name)
	}
	var claims int
	for _, e := range auditOf(t, s, time.Time{}) {
		if e.Action == bot.AuditClaimed {
			claims++
			if e.Actor != specialists[winner].Key() {
				t.Errorf("claim audited for %s, want %s", e.Actor, specialists[winner].Key())
			}
		}
	}
	if claims != 1 {
		t.Errorf("%d claims audited, want 1", claims)
	}
}

// What each change refuses, and why.
func TestConsultationRefusals(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	at := t0.Add(time.Hour)

	queued := mustCreate(t, s, booking(webUser, t0)).Ref // WM-000001
	claimed := mustCreate(t, s, booking(priya, t0)).Ref  // WM-000002
	if _, err := s.Claim(ctx, claimed, ada, at); err != nil {
		t.Fatal(err)
	}
	closed := mustCreate(t, s, booking(priya, t0)).Ref // WM-000003
	if _, err := s.Claim(ctx, closed, ben, at); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseConsultation(ctx, closed, ben, "done", at); err != nil {
		t.Fatal(err)
	}
	cancelled := mustCreate(t, s, booking(priya, t0)).Ref // WM-000004
	if _, err := s.Cancel(ctx, cancelled, priya, at); err != nil {
		t.Fatal(err)
	}

	const (
		isClosed    = "WM-000003 is closed, so it can no longer change."
		isCancelled = "WM-000004 was cancelled, so it can no longer change."
	)
	tests := []struct {
		name          string
		call          func() error
		kind, message string
	}{
		{"claim claimed", func() error { _, err := s.Claim(ctx, claimed, ben, at); return err }, bot.EConflict, "Already claimed by Ada Okafor."},
		{"claim claimed by oneself", func() error { _, err := s.Claim(ctx, claimed, ada, at); return err }, bot.EConflict, "Already claimed by Ada Okafor."},
		{"claim closed", func() error { _, err := s.Claim(ctx, closed, ada, at); return err }, bot.EConflict, isClosed},
		{"claim cancelled", func() error { _, err := s.Claim(ctx, cancelled, ada, at); return err }, bot.EConflict, isCancelled},
		{"unclaim queued", func() error { _, err := s.Unclaim(ctx, queued, ada, at); return err }, bot.EConflict, "WM-000001 is not claimed by anyone."},
		{"unclaim someone else's", func() error { _, err := s.Unclaim(ctx, claimed, ben, at); return err }, bot.EConflict, "WM-000002 is claimed by Ada Okafor, not by you."},
		{"unclaim closed", func() error { _, err := s.Unclaim(ctx, closed, ben, at); return err }, bot.EConflict, isClosed},
		{"close queued", func() error { _, err := s.CloseConsultation(ctx, queued, ada, "x", at); return err }, bot.EConflict, "WM-000001 has not been claimed: claim it before closing it."},
		{"close someone else's", func() error { _, err := s.CloseConsultation(ctx, claimed, ben, "x", at); return err }, bot.EConflict, "WM-000002 is claimed by Ada Okafor, not by you."},
		{"close closed", func() error { _, err := s.CloseConsultation(ctx, closed, ben, "x", at); return err }, bot.EConflict, isClosed},
		{"close cancelled", func() error { _, err := s.CloseConsultation(ctx, cancelled, ben, "x", at); return err }, bot.EConflict, isCancelled},
		{"cancel someone else's", func() error { _, err := s.Cancel(ctx, queued, priya, at); return err }, bot.EForbidden, "Only the practitioner who asked for WM-000001 can cancel it."},
		{"cancel by the claimant", func() error { _, err := s.Cancel(ctx, claimed, ada, at); return err }, bot.EForbidden, "Only the practitioner who asked for WM-000002 can cancel it."},
		{"cancel closed", func() error { _, err := s.Cancel(ctx, closed, priya, at); return err }, bot.EConflict, isClosed},
		{"cancel cancelled", func() error { _, err := s.Cancel(ctx, cancelled, priya, at); return err }, bot.EConflict, isCancelled},
		{"claim unknown", func() error { _, err := s.Claim(ctx, "WM-000099", ada, at); return err }, bot.ENotFound, "No consultation WM-000099."},
		{"cancel unknown", func() error { _, err := s.Cancel(ctx, "WM-000099", ada, at); return err }, bot.ENotFound, "No consultation WM-000099."},
		{"read unknown", func() error { _, err := s.Consultation(ctx, "WM-000099"); return err }, bot.ENotFound, "No consultation WM-000099."},
		{"not a reference", func() error { _, err := s.Consultation(ctx, "WM-12a"); return err }, bot.EInvalid, "That is not a consultation reference: they look like WM-000042."},
		{"someone else's tag", func() error { _, err := s.Claim(ctx, "WM-1}x", ada, at); return err }, bot.EInvalid, "That is not a consultation reference: they look like WM-000042."},
		{"no one", func() error { _, err := s.Claim(ctx, queued, bot.Person{}, at); return err }, bot.EInvalid, "No one is named as making the change to WM-000001."},
		{"no time", func() error { _, err := s.Claim(ctx, queued, ada, time.Time{}); return err }, bot.EInvalid, "The change to WM-000001 has no time."},
	}
	for _, tt := range tests {
		wantError(t, tt.name, tt.call(), tt.kind, tt.message)
	}

	// Nothing refused changed anything.
	for ref, state := range map[string]string{queued: bot.StateQueued, claimed: bot.StateClaimed, closed: bot.StateClosed, cancelled: bot.StateCancelled} {
		if c, err := s.Consultation(ctx, ref); err != nil || c.State != state {
			t.Errorf("%s after the refusals: %s, %v; want %s", ref, c.State, err, state)
		}
	}
	if got := len(auditOf(t, s, time.Time{})); got != 4+2+1+1 {
		t.Errorf("%d audit entries, want 8 (4 created, 2 claimed, 1 closed, 1 cancelled)", got)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	at := t0.Add(time.Hour)

	// A requester with no team can cancel: empty fields compare equal.
	c := mustCreate(t, s, booking(webUser, t0))
	wantError(t, "cancel by someone else", func() error { _, err := s.Cancel(ctx, c.Ref, priya, at); return err }(),
		bot.EForbidden, "Only the practitioner who asked for WM-000001 can cancel it.")
	got, err := s.Cancel(ctx, strings.ToLower(c.Ref), webUser, at) // references are not case sensitive
	if err != nil {
		t.Fatal(err)
	}
	if got.State != bot.StateCancelled || !got.ClosedAt.Equal(at) {
		t.Errorf("after Cancel: %s, closed at %v; want cancelled at %v", got.State, got.ClosedAt, at)
	}
	_, err = s.Claim(ctx, c.Ref, ada, at)
	wantError(t, "claim a cancelled one", err, bot.EConflict, "WM-000001 was cancelled, so it can no longer change.")

	// A claimed request can be cancelled too; the claimant is kept.
	c = mustCreate(t, s, booking(priya, t0))
	if _, err := s.Claim(ctx, c.Ref, ada, at); err != nil {
		t.Fatal(err)
	}
	got, err = s.Cancel(ctx, c.Ref, priya, at.Add(time.Minute))
	if err != nil || got.State != bot.StateCancelled || got.Claimant != ada {
		t.Errorf("cancel a claimed one: %+v, %v", got, err)
	}
	_, err = s.CloseConsultation(ctx, c.Ref, ada, "x", at.Add(2*time.Minute))
	wantError(t, "close a cancelled one", err, bot.EConflict, "WM-000002 was cancelled, so it can no longer change.")

	var actions []string
	for _, e := range auditOf(t, s, time.Time{}) {
		actions = append(actions, e.Ref+" "+e.Action+" "+e.Actor)
	}
	want := []string{
		"WM-000001 created web::w-7",
		"WM-000001 cancelled web::w-7",
		"WM-000002 created slack:T1:U1",
		"WM-000002 claimed slack:T1:U2",
		"WM-000002 cancelled slack:T1:U1",
	}
	if !reflect.DeepEqual(actions, want) {
		t.Errorf("audit:\n got %q\nwant %q", actions, want)
	}
}

func TestConsultationsOf(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()

	// Booked out of order of their CreatedAt: the list follows CreatedAt.
	var refs []string
	for _, h := range []int{1, 0, 2} {
		c := mustCreate(t, s, booking(priya, t0.Add(time.Duration(h)*time.Hour)))
		refs = append(refs, c.Ref) // WM-000001 at +1h, WM-000002 at +0h, WM-000003 at +2h
		mustCreate(t, s, booking(ada, t0))
	}
	if _, err := s.Claim(ctx, refs[0], ben, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}

	cs, err := s.ConsultationsOf(ctx, priya)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.Ref+" "+c.State)
		if c.Requester != priya {
			t.Errorf("%s was requested by %+v", c.Ref, c.Requester)
		}
	}
	want := []string{refs[2] + " queued", refs[0] + " claimed", refs[1] + " queued"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ConsultationsOf(priya) = %q, want %q", got, want)
	}
	if cs, err := s.ConsultationsOf(ctx, ada); err != nil || len(cs) != 3 {
		t.Errorf("ConsultationsOf(ada): %d, %v; want 3", len(cs), err)
	}
	if cs, err := s.ConsultationsOf(ctx, ben); err != nil || len(cs) != 0 {
		t.Errorf("ConsultationsOf(ben) = %+v, %v; want none", cs, err)
	}
	// The same user id on another team is someone else.
	other := priya
	other.TeamID = "T2"
	if cs, err := s.ConsultationsOf(ctx, other); err != nil || len(cs) != 0 {
		t.Errorf("ConsultationsOf(priya on T2) = %+v, %v; want none", cs, err)
	}
	_, err = s.ConsultationsOf(ctx, bot.Person{})
	wantKind(t, "ConsultationsOf no one", err, bot.EInvalid)
}

func TestCreateConsultationNeedsRequesterAndTime(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	_, err := s.CreateConsultation(t.Context(), booking(bot.Person{}, t0))
	wantKind(t, "no requester", err, bot.EInvalid)
	_, err = s.CreateConsultation(t.Context(), booking(priya, time.Time{}))
	wantKind(t, "no time", err, bot.EInvalid)
	if n := s.Client().Exists(t.Context(), s.Keys().ConsultationSeq()).Val(); n != 0 {
		t.Errorf("a refused booking took a reference")
	}
}

// The stored form is part of the layout: a hash of snake_case fields, with
// times in RFC 3339 and people as <role>_platform, _team_id, _user_id,
// _name.
func TestConsultationIsStoredAsHash(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	local := time.FixedZone("GMT+1", 3600)
	c := booking(webUser, time.Date(2026, 11, 23, 10, 0, 0, 500, local))
	c = mustCreate(t, s, c)
	if _, err := s.Claim(ctx, c.Ref, ada, time.Date(2026, 11, 23, 10, 30, 0, 0, local)); err != nil {
		t.Fatal(err)
	}
	key := s.Keys().Consultation(c.Ref)
	if key != s.Keys().Prefix+":{cons:WM-000001}" {
		t.Errorf("key %q", key)
	}
	got, err := s.Client().HGetAll(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	if got["op"] == "" {
		t.Errorf("no op field: %v", got)
	}
	delete(got, "op")
	want := map[string]string{
		"ref":                    "WM-000001",
		"specialism":             "psychology",
		"urgency":                "routine",
		"question":               c.Question,
		"area":                   "Wyvern Vale",
		"preferred_times":        "Tuesday afternoon",
		"requester_platform":     "web",
		"requester_user_id":      "w-7",
		"requester_conversation": "D1",
		"state":                  "claimed",
		"claimant_platform":      "slack",
		"claimant_team_id":       "T1",
		"claimant_user_id":       "U2",
		"claimant_name":          "Ada Okafor",
		"created_at":             "2026-11-23T09:00:00.0000005Z",
		"claim_by":               "2026-11-25T09:00:00.0000005Z",
		"claimed_at":             "2026-11-23T09:30:00Z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HGETALL %s:\n got %v\nwant %v", key, got, want)
	}
	if ttl := s.Client().TTL(ctx, key).Val(); ttl != -1 {
		t.Errorf("TTL %v, want none: consultations are records", ttl)
	}
	index := s.Keys().ConsultationsOf(webUser.Key())
	zs, err := s.Client().ZRangeWithScores(ctx, index, 0, -1).Result()
	if err != nil || len(zs) != 1 || zs[0].Member != "WM-000001" || int64(zs[0].Score) != c.CreatedAt.UnixMilli() {
		t.Errorf("index %s = %+v, %v", index, zs, err)
	}
}

// TestQueuePost: where a request's queue card landed is kept with it and
// survives later changes; an unknown request gets no partial record.
func TestQueuePost(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	c := mustCreate(t, s, booking(priya, t0))
	post := bot.Thread{Platform: bot.PlatformTeams, TeamID: "aaaaaaaa-1111-1111-1111-111111111111", ConversationID: "19:psy@thread.tacv2", ThreadID: "1772442300000"}
	if err := s.SetQueuePost(ctx, c.Ref, post); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, c.Ref, ada, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Consultation(ctx, c.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if got.QueuePost != post || got.State != bot.StateClaimed {
		t.Errorf("queue post %+v (state %s), want %+v after the claim", got.QueuePost, got.State, post)
	}

	if err := s.SetQueuePost(ctx, "WM-999999", post); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("unknown ref: %v, want not found", err)
	}
	if _, err := s.Consultation(ctx, "WM-999999"); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("a record was made for the unknown ref: %v", err)
	}
	if err := s.SetQueuePost(ctx, c.Ref, bot.Thread{Platform: bot.PlatformSlack, ConversationID: "C1"}); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("incomplete thread: %v, want invalid", err)
	}
}
