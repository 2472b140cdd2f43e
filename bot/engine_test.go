package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

func TestMain(m *testing.M) { redistest.Main(m) }

type fixedClock struct{}

func (fixedClock) Now() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }

// mustKnowledge builds the sample corpus's knowledge base.
func mustKnowledge(tb testing.TB) *knowledge.Base {
	tb.Helper()
	c, err := knowledge.Load(sample.FS(), "sample")
	if err != nil {
		tb.Fatal(err)
	}
	kb, err := knowledge.New(c, knowledge.Options{Clock: fixedClock{}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { kb.Close() })
	return kb
}

// mustStore connects a Store to srv with a prefix of the test's own.
func mustStore(tb testing.TB, srv *redistest.Server) *redisstore.Store {
	tb.Helper()
	s, err := redisstore.New(redisstore.Config{URL: srv.URL(), Prefix: redistest.Prefix(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func mustEngine(tb testing.TB, store bot.Store) *bot.Engine {
	tb.Helper()
	return bot.NewEngine(mustKnowledge(tb), store, bot.EngineOptions{Clock: fixedClock{}, DefaultArea: "Wyvern Vale"})
}

func msg(text string) bot.Message {
	return bot.Message{Platform: bot.PlatformWeb, ID: "m1", ConversationID: "conv-1", UserID: "u1", Text: text}
}

func mustHandle(tb testing.TB, e *bot.Engine, m bot.Message) bot.Reply {
	tb.Helper()
	r, err := e.Handle(context.Background(), m)
	if err != nil {
		tb.Fatalf("Handle(%+v): %v", m, err)
	}
	return r
}

func answerIDs(r bot.Reply) []string {
	var out []string
	for _, a := range r.Answers {
		out = append(out, a.DocID)
	}
	return out
}

func contactIDs(r bot.Reply) []string {
	var out []string
	for _, c := range r.Contacts {
		out = append(out, c.DocID)
	}
	return out
}

func buttonValues(r bot.Reply, action string) []string {
	var out []string
	for _, b := range r.Buttons {
		if b.ActionID == action {
			out = append(out, b.Value)
		}
	}
	return out
}

func noticeKinds(r bot.Reply) []string {
	var out []string
	for _, n := range r.Notices {
		out = append(out, n.Kind)
	}
	return out
}

func TestAnswerWithCitationsContactsAndButtons(t *testing.T) {
	e := mustEngine(t, mustStore(t, redistest.Shared(t)))
	r := mustHandle(t, e, msg("how do I make a prevent referral"))
	if len(r.Answers) == 0 || r.Answers[0].DocID != "wv-prevent-referral" {
		t.Fatalf("answers = %v, want wv-prevent-referral first", answerIDs(r))
	}
	a := r.Answers[0]
	if a.Title == "" || a.Kind != bot.KindProcess || a.Area != "Wyvern Vale" || !strings.Contains(a.Snippet, "**") || a.Reviewed.IsZero() {
		t.Errorf("card = %+v", a)
	}
	if got := buttonValues(r, bot.ActionConsult); !slices.Equal(got, []string{"prevent", "psychology"}) {
		t.Errorf("consult buttons = %v, want prevent and psychology", got)
	}
	if got := buttonValues(r, bot.ActionHelpful); len(got) != 1 || got[0] != r.Ref || r.Ref == "" {
		t.Errorf("helpful button values = %v, ref %q", got, r.Ref)
	}
	if len(r.Notices) != 0 {
		t.Errorf("notices = %v, want none", r.Notices)
	}
	if len(r.FollowUps) == 0 {
		t.Error("no follow-up suggestions")
	}

	r = mustHandle(t, e, msg("who is the LADO"))
	if len(r.Contacts) == 0 || r.Contacts[0].DocID != "wv-contact-lado" || r.Contacts[0].Phone == "" || r.Contacts[0].Name == "" {
		t.Errorf("contacts = %+v, want the LADO card with a phone", r.Contacts)
	}
}

func TestStaleDocumentsAreFlagged(t *testing.T) {
	e := mustEngine(t, mustStore(t, redistest.Shared(t)))
	r := mustHandle(t, e, msg("a child is sharing extremist content online, what is the pathway"))
	i := slices.Index(answerIDs(r), "wv-pathway-online-content") // review_due 2026-08-29
	if i < 0 {
		t.Fatalf("answers = %v, want the online content pathway", answerIDs(r))
	}
	if !r.Answers[i].Stale || !strings.Contains(r.Text, "past its review date") {
		t.Errorf("card stale = %v, text %q: want the warning", r.Answers[i].Stale, r.Text)
	}
}

func TestNoConfidentAnswerSaysSoAndOffersPeople(t *testing.T) {
	e := mustEngine(t, mustStore(t, redistest.Shared(t)))
	r := mustHandle(t, e, msg("what are the bin collection days"))
	if len(r.Answers) != 0 || !strings.HasPrefix(r.Text, "I don't know") {
		t.Errorf("answers %v, text %q", answerIDs(r), r.Text)
	}
	if len(buttonValues(r, bot.ActionConsult)) == 0 {
		t.Error("no consultation offered")
	}
	if len(buttonValues(r, bot.ActionHelpful)) != 0 {
		t.Error("feedback buttons on a non-answer")
	}
}

func TestPersonalDataWarnsNeverEchoesNeverStores(t *testing.T) {
	srv := redistest.Shared(t)
	store := mustStore(t, srv)
	e := mustEngine(t, store)
	m := msg("Kieran Dobbs DOB 04/05/2012 of 14 Alder Road has been sharing far right videos, do I refer to prevent?")
	r := mustHandle(t, e, m)
	if len(r.Notices) == 0 || r.Notices[0].Kind != bot.NoticePersonalData {
		t.Fatalf("notices = %v, want personal data first", noticeKinds(r))
	}
	all := r.Text + r.Notices[0].Text + r.Notices[0].Title
	for _, leak := range []string{"Kieran", "Dobbs", "04/05/2012", "Alder"} {
		if strings.Contains(all, leak) {
			t.Errorf("reply echoes %q: %s", leak, all)
		}
	}
	if len(r.Answers) == 0 {
		t.Error("the question should still be answered")
	}
	conv, err := store.Conversation(context.Background(), m.ConversationKey())
	if err != nil {
		t.Fatal(err)
	}
	if conv.LastQuestion != "" {
		t.Errorf("stored %q: a question with personal data must not be kept", conv.LastQuestion)
	}
}

func TestRiskGetsActNowFirst(t *testing.T) {
	e := mustEngine(t, mustStore(t, redistest.Shared(t)))
	r := mustHandle(t, e, msg("my 15 year old says he is flying to syria tomorrow to join the fighters"))
	if len(r.Notices) == 0 || r.Notices[0].Kind != bot.NoticeActNow {
		t.Fatalf("notices = %v, want act_now first", noticeKinds(r))
	}
	n := r.Notices[0].Text
	for _, want := range []string{"999", "duty manager", "01632 961"} {
		if !strings.Contains(n, want) {
			t.Errorf("act-now text lacks %q:\n%s", want, n)
		}
	}
	if !slices.Contains(answerIDs(r), "wv-immediate-risk") {
		t.Errorf("answers = %v, want the immediate-risk procedure", answerIDs(r))
	}
}

func TestFollowUpUsesPreviousQuestion(t *testing.T) {
	store := mustStore(t, redistest.Shared(t))
	e := mustEngine(t, store)
	const topic, followUp = "what are the warning signs of radicalisation", "and what about online?"
	mustHandle(t, e, msg(topic))
	with := mustHandle(t, e, msg(followUp))
	// The same words in a conversation with no earlier question.
	fresh := msg(followUp)
	fresh.ConversationID = "conv-2"
	without := mustHandle(t, e, fresh)
	if len(with.Answers) == 0 || with.Answers[0].DocID != "wv-guidance-indicators" {
		t.Errorf("with context: %v, want the indicators guidance first", answerIDs(with))
	}
	if len(without.Answers) > 0 && without.Answers[0].DocID == "wv-guidance-indicators" {
		t.Errorf("without context %v: the test needs a follow-up whose answer depends on context", answerIDs(without))
	}
	ctx := context.Background()
	one, err := store.Conversation(ctx, msg("").ConversationKey())
	if err != nil {
		t.Fatal(err)
	}
	two, err := store.Conversation(ctx, fresh.ConversationKey())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(one.LastQuestion, "warning signs") || !strings.Contains(one.LastQuestion, "online") {
		t.Errorf("conversation 1 remembers %q, want the topic and the follow-up", one.LastQuestion)
	}
	if two.LastQuestion != followUp {
		t.Errorf("conversation 2 remembers %q, want only its own question", two.LastQuestion)
	}
}

func TestShortStandaloneQuestionIsNotAFollowUp(t *testing.T) {
	e := mustEngine(t, mustStore(t, redistest.Shared(t)))
	mustHandle(t, e, msg("how do I make a prevent referral"))
	r := mustHandle(t, e, msg("who is the LADO"))
	if len(r.Contacts) == 0 || r.Contacts[0].DocID != "wv-contact-lado" {
		t.Errorf("contacts %v: a short question with its own answer must not be bent by the last one", contactIDs(r))
	}
}

func TestSharedChannelsKeepContextPerThreadAndPerson(t *testing.T) {
	store := mustStore(t, redistest.Shared(t))
	e := mustEngine(t, store)
	in := func(user, thread, text string) bot.Message {
		m := msg(text)
		m.Platform, m.ConversationID, m.Shared, m.UserID, m.ThreadID = bot.PlatformSlack, "C1", true, user, thread
		return m
	}
	mustHandle(t, e, in("U1", "100.1", "what are the warning signs of radicalisation"))
	for _, other := range []bot.Message{in("U2", "100.1", "and what about online?"), in("U1", "200.1", "and what about online?")} {
		r := mustHandle(t, e, other)
		if len(r.Answers) > 0 && r.Answers[0].DocID == "wv-guidance-indicators" {
			t.Errorf("user %s in thread %s got U1's context: %v", other.UserID, other.ThreadID, answerIDs(r))
		}
	}
	r := mustHandle(t, e, in("U1", "100.1", "and what about online?"))
	if len(r.Answers) == 0 || r.Answers[0].DocID != "wv-guidance-indicators" {
		t.Errorf("the same person in the same thread: %v, want the context used", answerIDs(r))
	}
}

func TestCommandsTypedAsText(t *testing.T) {
	store := mustStore(t, redistest.Shared(t))
	e := mustEngine(t, store)
	r := mustHandle(t, e, msg("area wyvern vale"))
	if !strings.HasPrefix(r.Text, "Done: your questions will be answered for Wyvern Vale") {
		t.Errorf("area typed as text: %q", r.Text)
	}
	r = mustHandle(t, e, msg("/contacts psychology"))
	if len(r.Contacts) != 2 {
		t.Errorf("contacts typed as text: %v", contactIDs(r))
	}
	// A question that starts with a command word is still a question.
	r = mustHandle(t, e, msg("consult with psychology about a boy fixated on school shootings"))
	if r.Form != nil || len(r.Answers) == 0 {
		t.Errorf("a question was run as a command: %+v", r)
	}
	// Identifying details in a command's words are refused and not echoed.
	_, err := e.Handle(context.Background(), msg("area Kieran Dobbs DOB 04/05/2012"))
	if bot.ErrorKind(err) != bot.EInvalid || strings.Contains(bot.ErrorMessage(err), "Kieran") || strings.Contains(bot.ErrorMessage(err), "2012") {
		t.Errorf("identifying area: %v", err)
	}
}

func TestFeedbackIsRecordedWithTheDocumentsShown(t *testing.T) {
	store := mustStore(t, redistest.Shared(t))
	e := mustEngine(t, store)
	answer := mustHandle(t, e, msg("how do I make a prevent referral"))
	mustHandle(t, e, bot.Message{Platform: bot.PlatformWeb, ConversationID: "conv-1", UserID: "u1", Action: &bot.Action{ID: bot.ActionHelpful, Value: answer.Ref}})
	entries, err := store.Client().XRange(context.Background(), store.Keys().Feedback(), "-", "+").Result()
	if err != nil || len(entries) != 1 {
		t.Fatalf("feedback stream: %v, %v", entries, err)
	}
	v := entries[0].Values
	if v["ref"] != answer.Ref || v["verdict"] != bot.VerdictHelpful || !strings.Contains(fmt.Sprint(v["docs"]), "wv-prevent-referral") {
		t.Errorf("entry = %v", v)
	}
	if strings.Contains(fmt.Sprint(v["user"]), "u1") {
		t.Errorf("the user is stored as %v: want a pseudonym, not the platform id", v["user"])
	}
	if _, err := e.Handle(context.Background(), bot.Message{Platform: bot.PlatformWeb, ConversationID: "conv-1", UserID: "u1",
		Action: &bot.Action{ID: bot.ActionHelpful, Value: "anything at all, even a name"}}); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("a forged feedback value: %v", err)
	}
}

func TestAreaIsRemembered(t *testing.T) {
	store := mustStore(t, redistest.Shared(t))
	e := mustEngine(t, store)
	set := msg("wyvern vale")
	set.Command = bot.CmdArea
	r := mustHandle(t, e, set)
	if !strings.Contains(r.Text, "Wyvern Vale") {
		t.Errorf("text = %q", r.Text)
	}
	p, err := store.Profile(context.Background(), set.UserKey())
	if err != nil || p.Area != "Wyvern Vale" {
		t.Errorf("profile = %+v, %v", p, err)
	}
	bad := msg("Atlantis")
	bad.Command = bot.CmdArea
	if _, err := e.Handle(context.Background(), bad); bot.ErrorKind(err) != bot.EInvalid || !strings.Contains(bot.ErrorMessage(err), "Wyvern Vale") {
		t.Errorf("unknown area: %v", err)
	}
}

func TestContactsConsultFeedbackHelp(t *testing.T) {
	store := mustStore(t, redistest.Shared(t))
	e := mustEngine(t, store)

	c := msg("psychology")
	c.Command = bot.CmdContacts
	r := mustHandle(t, e, c)
	if got := contactIDs(r); len(got) != 2 || !slices.Contains(got, "wv-contact-psychologist-adeyemi") {
		t.Errorf("psychology contacts = %v", got)
	}

	k := msg("prevent")
	k.Command = bot.CmdConsult
	r = mustHandle(t, e, k)
	if got := contactIDs(r); len(got) != 1 || got[0] != "wv-contact-prevent-sw" || !r.Contacts[0].Bookable {
		t.Errorf("prevent consult = %v", got)
	}
	k.Text = "astrology"
	if _, err := e.Handle(context.Background(), k); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("unknown specialism: %v", err)
	}

	answer := mustHandle(t, e, msg("how do I make a prevent referral"))
	fb := msg("")
	fb.Action = &bot.Action{ID: bot.ActionNotHelpful, Value: answer.Ref}
	r = mustHandle(t, e, fb)
	if !r.Ephemeral || !strings.HasPrefix(r.Text, "Thank you") {
		t.Errorf("feedback reply = %+v", r)
	}
	pd := msg("the number for Jade Fenwick 07700 900461 was wrong")
	pd.Command = bot.CmdFeedback
	if _, err := e.Handle(context.Background(), pd); bot.ErrorKind(err) != bot.EInvalid || strings.Contains(bot.ErrorMessage(err), "Jade") {
		t.Errorf("feedback with personal data: %v", err)
	}

	h := msg("")
	h.Command = bot.CmdHelp
	if r := mustHandle(t, e, h); !strings.Contains(r.Text, "area [name]") || !strings.Contains(r.Text, "Wyvern Vale") {
		t.Errorf("help = %q", r.Text)
	}
}

func TestRedisOutageDegradesAndRecovers(t *testing.T) {
	srv := redistest.Start(t)
	store := mustStore(t, srv)
	e := mustEngine(t, store)
	set := msg("Wyvern Vale")
	set.Command = bot.CmdArea
	mustHandle(t, e, set)

	srv.Stop(t)
	r := mustHandle(t, e, msg("who is the LADO"))
	if len(r.Contacts) == 0 || r.Contacts[0].DocID != "wv-contact-lado" {
		t.Errorf("during the outage: contacts %v, want answers to continue", contactIDs(r))
	}
	if !slices.Contains(noticeKinds(r), bot.NoticeUnavailable) {
		t.Errorf("notices = %v, want unavailable", noticeKinds(r))
	}
	r = mustHandle(t, e, set)
	if !slices.Contains(noticeKinds(r), bot.NoticeUnavailable) {
		t.Errorf("setting the area during the outage: %+v", r)
	}

	srv.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r = mustHandle(t, e, set)
		if len(r.Notices) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("state features did not recover after Redis restarted: %+v", r)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if p, err := store.Profile(context.Background(), set.UserKey()); err != nil || p.Area != "Wyvern Vale" {
		t.Errorf("after recovery: profile %+v, %v", p, err)
	}
}

func TestUnknownCommandAndLongQuestion(t *testing.T) {
	e := mustEngine(t, mustStore(t, redistest.Shared(t)))
	m := msg("")
	m.Command = "dance"
	if _, err := e.Handle(context.Background(), m); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("unknown command: %v", err)
	}
	if _, err := e.Handle(context.Background(), msg(strings.Repeat("prevent ", 400))); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("long question: %v", err)
	}
}

// A suggested follow-up is not offered again right after it was asked.
func TestFollowUpNotOfferedRightAfterItWasAsked(t *testing.T) {
	e := mustEngine(t, mustStore(t, redistest.Shared(t)))
	first := mustHandle(t, e, msg("how do I make a prevent referral"))
	if !slices.Contains(first.FollowUps, "What about out of hours?") {
		t.Fatalf("follow-ups %q: the test needs 'What about out of hours?' offered", first.FollowUps)
	}
	again := mustHandle(t, e, msg("what about out of hours"))
	if len(again.Answers) == 0 {
		t.Fatalf("no answer to the follow-up")
	}
	if slices.ContainsFunc(again.FollowUps, func(f string) bool { return strings.EqualFold(f, "What about out of hours?") }) {
		t.Errorf("the follow-up just asked is offered again: %q", again.FollowUps)
	}
}

// An answer offers its whole document, which the button shows in the chat.
func TestShowTheStepsOpensTheWholeDocument(t *testing.T) {
	e := mustEngine(t, mustStore(t, redistest.Shared(t)))
	r := mustHandle(t, e, msg("how do I make a prevent referral"))
	if got := buttonValues(r, bot.ActionShowDoc); len(got) != 1 || got[0] != r.Answers[0].DocID {
		t.Fatalf("show buttons %q, want one for %s", got, r.Answers[0].DocID)
	}
	if r.Buttons[0].Label != "Show the steps" {
		t.Errorf("the button reads %q, want 'Show the steps' for a process", r.Buttons[0].Label)
	}
	m := msg("")
	m.Action = &bot.Action{ID: bot.ActionShowDoc, Value: r.Answers[0].DocID}
	doc := mustHandle(t, e, m)
	if len(doc.Answers) != 1 || !doc.Answers[0].Full || !strings.Contains(doc.Answers[0].Snippet, "## Steps") ||
		!strings.Contains(doc.Answers[0].Snippet, "Record it on ValeCare") {
		t.Errorf("the whole document = %+v", doc.Answers)
	}
	m.Action.Value = "no-such-doc"
	if _, err := e.Handle(context.Background(), m); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("an unknown document: %v, want ENotFound", err)
	}
}
