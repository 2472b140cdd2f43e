package web_test

import (
	"bytes"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/web"
	"github.com/waymarkhq/waymark/internal/clocktest"
	"github.com/waymarkhq/waymark/knowledge"
)

// The console's people: Slack people sign in with a one-time link and
// keep their Slack roles; the web duty manager signs in with the
// identity provider, named in the configuration by their email.
var (
	consolePsych    = bot.Person{Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: "U0PSY0001", Name: "Dr Bethan Rees"}
	consolePrac     = bot.Person{Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: "U0PRAC001", Name: "Sam Okafor"}
	consoleLead     = bot.Person{Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: "U0LEAD001", Name: "Jo Marsh"}
	consoleDutyMail = "Duty.Manager@Council.example"
)

// consoleServer is the chat with sign-in and the console over the real
// engine and desk, on the package's redis-server.
type consoleServer struct {
	*signinServer
	engine *bot.Engine
	sent   *notes
}

func newConsoleServer(t testing.TB) *consoleServer {
	t.Helper()
	return newConsoleServerWith(t, nil)
}

// newConsoleServerWith is newConsoleServer whose console checks corpus's
// health (none when nil).
func newConsoleServerWith(t testing.TB, corpus web.Corpus) *consoleServer {
	t.Helper()
	clock := clocktest.At(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)) // a Thursday, in working hours
	idp := startOIDCProvider(t, clock.Now)
	idp.token = func(c map[string]any) *rsa.PrivateKey { c["email"] = consoleDutyMail; return nil }
	store := mustInboxStore(t)
	srv := httptest.NewUnstartedServer(nil)
	cfg := config.WebConfig{
		PublicURL: "http://" + srv.Listener.Addr().String(), SessionTTL: 8 * time.Hour, Links: true, LinkTTL: 10 * time.Minute,
		OIDC: config.OIDCConfig{Issuer: idp.URL, ClientID: oidcClientID, ClientSecret: oidcClientSecret, Scopes: []string{"profile"}, NameClaim: "name", IdentityClaim: "email"},
	}
	si, err := web.NewSignIn(web.SignInConfig{Web: cfg, Tokens: store, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	kb, area := mustSampleKnowledge(t)
	cal, err := bot.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	duty := []bot.EscalationLevel{{Name: "duty manager", RepeatEvery: 10 * time.Minute,
		Targets:       []bot.Target{{Platform: bot.PlatformSlack, TeamID: "T0CON", Kind: bot.TargetChannel, ID: "C0DUTY001"}},
		Acknowledgers: []string{"web:" + web.IdentityUser("duty.manager@council.example")}}}
	sent := &notes{}
	desk, err := bot.NewDesk(kb, bot.DeskOptions{
		Consultations: store, Escalations: store, Timers: store, Notifier: sent,
		Specialists: map[string][]string{"psychology": {"slack:T0CON:U0PSY0001"}},
		Queues:      map[string]bot.Target{"psychology": {Platform: bot.PlatformSlack, TeamID: "T0CON", Kind: bot.TargetChannel, ID: "C0PSYQ001"}},
		Policies: map[string]bot.EscalationPolicy{
			bot.UrgencyUrgent:  {Urgency: bot.UrgencyUrgent, ClaimWithin: 30 * time.Minute, Levels: duty},
			bot.UrgencyRoutine: {Urgency: bot.UrgencyRoutine, ClaimWithinWorkingDays: 2, Levels: duty},
		},
		Leads:        []string{"slack:T0CON:U0LEAD001"},
		CorpusOwners: []string{"slack:T0CON:U0OWN001"},
		Calendar:     cal,
		Clock:        clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	engine := bot.NewEngine(kb, store, bot.EngineOptions{Clock: clock, Log: log, DefaultArea: area, Desk: desk, Gaps: store, Usage: store})
	s := handlers.NewServer(log, nil)
	s.Mount(web.New(engine, log).WithInbox(store).WithSignIn(si).WithConsole(web.ConsoleConfig{Desk: desk, Board: store, Gaps: store, Corpus: corpus, Usage: store, Now: clock.Now}).Routes()...)
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	return &consoleServer{signinServer: &signinServer{Server: srv, store: store, signin: si, clock: clock, idp: idp}, engine: engine, sent: sent}
}

// signInAs signs a browser in with a one-time link sent to p.
func (s *consoleServer) signInAs(t testing.TB, p bot.Person) *browser {
	t.Helper()
	link, _, err := s.signin.WebLink(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	form := "t=" + url.QueryEscape(strings.TrimPrefix(link, s.URL+web.LinkPath+"?t="))
	if r := b.do(http.MethodPost, web.LinkPath, "application/x-www-form-urlencoded", form, nil); r.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d %s", p.Name, r.status, r.body)
	}
	b.session()
	return b
}

// book books a consultation from Slack as the practitioner, as chat does.
func (s *consoleServer) book(t *testing.T, urgency, question string) string {
	t.Helper()
	r, err := s.engine.Handle(t.Context(), bot.Message{
		Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: consolePrac.UserID, UserName: consolePrac.Name, ConversationID: "D0PRAC", ID: "m-book-" + urgency,
		Action: &bot.Action{ID: bot.ActionBook}, Form: map[string]string{"specialism": "psychology", "urgency": urgency, "question": question, "area": "Wyvern Vale"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`WM-\d{6}`).FindString(r.Text)
	if ref == "" {
		t.Fatalf("booking replied %q", r.Text)
	}
	return ref
}

// post posts a console form with the browser's CSRF token (none when
// csrf is false).
func (b *browser) post(path string, csrf bool, fields ...string) response {
	b.t.Helper()
	v := url.Values{}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Set(fields[i], fields[i+1])
	}
	if csrf {
		v.Set("csrf", b.csrf)
	}
	return b.do(http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), nil)
}

// TestConsoleQueue: a specialist sees the queued request by reference,
// urgency, who asked and its claim deadline, but not its question until
// they claim it; claims it from the page through the desk (the
// practitioner is told, the card updated); a second claim is refused,
// saying who has it; a change without the page's token changes nothing;
// closing it tells the practitioner; a practitioner cannot open the
// console and a lead sees the queue without claiming.
func TestConsoleQueue(t *testing.T) {
	s := newConsoleServer(t)
	const question = "How do I talk to a 14-year-old about videos he shares?"
	ref := s.book(t, bot.UrgencyUrgent, question)

	prac := s.signInAs(t, consolePrac)
	if r := prac.do(http.MethodGet, "/console/queue", "", "", nil); r.status != http.StatusForbidden || !strings.Contains(string(r.body), "The console is for specialists") {
		t.Errorf("a practitioner opening the console: %d %s", r.status, r.body)
	}
	if r := s.browser(t).do(http.MethodGet, "/console", "", "", nil); r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "one-time sign-in link") {
		t.Errorf("signed out: %d %s", r.status, r.body)
	}

	psych := s.signInAs(t, consolePsych)
	page := string(psych.do(http.MethodGet, "/console/queue", "", "", nil).body)
	for _, want := range []string{ref, "urgent", "Sam Okafor", "claim within 30 min", "Claim " + ref} {
		if !strings.Contains(page, want) {
			t.Errorf("the queue lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "14-year-old") {
		t.Error("the queue shows the question before it is claimed")
	}
	if r := psych.post("/console/claim", false, "ref", ref); r.status != http.StatusForbidden {
		t.Errorf("a claim without the token: %d", r.status)
	}
	if c, _ := s.store.Consultation(t.Context(), ref); c.State != bot.StateQueued {
		t.Fatalf("after a refused claim the request is %s", c.State)
	}
	r := psych.post("/console/claim", true, "ref", ref)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/console/queue?done=claim&ref="+ref {
		t.Fatalf("claim: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	if c, _ := s.store.Consultation(t.Context(), ref); c.State != bot.StateClaimed || c.Claimant.Key() != consolePsych.Key() {
		t.Fatalf("after the claim: %s by %s", c.State, c.Claimant.Key())
	}
	if told := s.sent.to(consolePrac.UserID); len(told) == 0 || !strings.Contains(bot.PlainText(told[len(told)-1].reply.Text), "Dr Bethan Rees has your consultation request "+ref) {
		t.Errorf("the practitioner was told %+v", told)
	}
	page = string(psych.do(http.MethodGet, "/console/queue?done=claim&ref="+ref, "", "", nil).body)
	for _, want := range []string{"You have " + ref, question, "Close " + ref, "Hand back " + ref} {
		if !strings.Contains(page, want) {
			t.Errorf("after claiming, the page lacks %q", want)
		}
	}
	if r := psych.post("/console/claim", true, "ref", ref); r.status != http.StatusConflict || !strings.Contains(string(r.body), "Dr Bethan Rees") {
		t.Errorf("claiming again: %d %s", r.status, r.body)
	}

	lead := s.signInAs(t, consoleLead)
	if page := string(lead.do(http.MethodGet, "/console", "", "", nil).body); !strings.Contains(page, "<title>week of 30 Nov: 0 min</title>") || !strings.Contains(page, "<title>week of 23 Nov: none</title>") {
		t.Errorf("the overview does not chart the claim (at once) in the week of 30 November:\n%s", page)
	}
	page = string(lead.do(http.MethodGet, "/console/queue", "", "", nil).body)
	if !strings.Contains(page, ref) || !strings.Contains(page, "claimed by Dr Bethan Rees") || strings.Contains(page, "Claim "+ref) || strings.Contains(page, "14-year-old") {
		t.Errorf("the lead's queue:\n%s", page)
	}
	if r := lead.post("/console/close", true, "ref", ref, "outcome", "talked it through"); r.status != http.StatusForbidden && r.status != http.StatusConflict {
		t.Errorf("the lead closing someone else's request: %d", r.status)
	}

	if r := psych.post("/console/close", true, "ref", ref, "outcome", "talked it through"); r.status != http.StatusSeeOther {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	if c, _ := s.store.Consultation(t.Context(), ref); c.State != bot.StateClosed || c.Outcome != "talked it through" {
		t.Errorf("after closing: %s %q", c.State, c.Outcome)
	}
	if r := psych.post("/console/claim", true, "ref", "WM-<script>"); r.status != http.StatusBadRequest {
		t.Errorf("a malformed reference: %d", r.status)
	}
}

// TestConsoleEscalations: a risky question escalates; the duty manager,
// a web person signed in with the identity provider and named in the
// configuration by their email, sees it open and acknowledges it from the
// page; the practitioner is told who has it; the page then shows who
// acknowledged and how long it took.
func TestConsoleEscalations(t *testing.T) {
	s := newConsoleServer(t)
	_, err := s.engine.Handle(t.Context(), bot.Message{Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: consolePrac.UserID, UserName: consolePrac.Name,
		ConversationID: "D0PRAC", ID: "m-risk", Text: "he says he is flying to Syria tomorrow to join them"})
	if err != nil {
		t.Fatal(err)
	}
	duty := s.browser(t)
	if r := s.signInWithProvider(duty, "subject-duty", "Alex Duty"); r.status != http.StatusSeeOther {
		t.Fatalf("provider sign-in: %d %s", r.status, r.body)
	}
	duty.session()
	page := string(duty.do(http.MethodGet, "/console/escalations", "", "", nil).body)
	id := regexp.MustCompile(`ESC-\d{6}`).FindString(page)
	if id == "" || !strings.Contains(page, "1 not yet acknowledged") || !strings.Contains(page, "Risk in a question") || !strings.Contains(page, "Acknowledge "+id) {
		t.Fatalf("the escalations page:\n%s", page)
	}
	if strings.Contains(page, "Syria") {
		t.Error("the escalations page shows the practitioner's words")
	}
	s.clock.Advance(4 * time.Minute)
	if r := duty.post("/console/acknowledge", true, "id", id); r.status != http.StatusSeeOther {
		t.Fatalf("acknowledge: %d %s", r.status, r.body)
	}
	if e, _ := s.store.Escalation(t.Context(), id); e.State != bot.EscalationAcknowledged || e.AckBy.Name != "Alex Duty" {
		t.Fatalf("after acknowledging: %s by %+v", e.State, e.AckBy)
	}
	if told := s.sent.to(consolePrac.UserID); len(told) == 0 || !strings.Contains(bot.PlainText(told[len(told)-1].reply.Text), "Alex Duty has your escalation "+id) {
		t.Errorf("the practitioner was told %+v", told)
	}
	page = string(duty.do(http.MethodGet, "/console/escalations", "", "", nil).body)
	if !strings.Contains(page, "acknowledged by Alex Duty") || !strings.Contains(page, "4 min") || strings.Contains(page, "Acknowledge "+id) {
		t.Errorf("after acknowledging, the page:\n%s", page)
	}
	// The lead's overview charts the time to acknowledge, by week.
	lead := s.signInAs(t, consoleLead)
	if page := string(lead.do(http.MethodGet, "/console", "", "", nil).body); !strings.Contains(page, "<title>week of 30 Nov: 4 min</title>") {
		t.Errorf("the overview does not chart 4 minutes to acknowledge in the week of 30 November:\n%s", page)
	}
	// The practitioner, signed in, may not acknowledge.
	prac := s.signInAs(t, consolePrac)
	if r := prac.post("/console/acknowledge", true, "id", id); r.status != http.StatusForbidden {
		t.Errorf("a practitioner acknowledging: %d", r.status)
	}
}

// TestConsoleGaps: questions Waymark cannot answer are kept as gaps
// without the question (only words the corpus or everyday English knows),
// a question with personal data not at all; the lead and corpus owners see
// them grouped by theme with counts by week, and as CSV; a specialist may
// not.
func TestConsoleGaps(t *testing.T) {
	s := newConsoleServer(t)
	ask := func(id, text string) bot.Reply {
		t.Helper()
		r, err := s.engine.Handle(t.Context(), bot.Message{Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: consolePrac.UserID, UserName: consolePrac.Name,
			ConversationID: "D0PRAC", ID: id, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for i, q := range []string{"is lunch provided at the halal canteen for Zephyrine", "lunch provided for parents at the canteen?"} {
		if r := ask(fmt.Sprint("m-gap-", i), q); len(r.Answers) > 0 {
			t.Fatalf("%q was answered (%s); the test needs a question the sample corpus cannot answer", q, r.Answers[0].DocID)
		}
	}
	// An answer marked not helpful: a gap naming the documents shown.
	answered := ask("m-answered", "how do I make a prevent referral")
	if len(answered.Answers) == 0 || answered.Ref == "" {
		t.Fatalf("the sample corpus did not answer a Prevent referral question: %+v", answered)
	}
	if _, err := s.engine.Handle(t.Context(), bot.Message{Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: consolePrac.UserID, UserName: consolePrac.Name,
		ConversationID: "D0PRAC", ID: "m-unhelpful", Action: &bot.Action{ID: bot.ActionNotHelpful, Value: answered.Ref}}); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(8 * 24 * time.Hour)
	ask("m-gap-pd", "when is lunch for Tyler Brennan DOB 14/03/2011 at 27 Holloway Road")
	gs, err := s.store.Gaps(t.Context())
	if err != nil || len(gs) != 3 {
		t.Fatalf("gaps kept: %+v, %v; want the two unanswered questions without personal data and the unhelpful answer", gs, err)
	}
	for _, g := range gs[:2] {
		if slices.Contains(g.Terms, "zephyrine") || g.Kind != bot.GapUnanswered {
			t.Errorf("a gap kept %+v", g)
		}
	}
	if g := gs[2]; g.Kind != bot.GapNotHelpful || !slices.Contains(g.Terms, "referral") || !slices.Contains(g.Docs, answered.Answers[0].DocID) {
		t.Errorf("the unhelpful answer's gap: %+v", g)
	}

	psych := s.signInAs(t, consolePsych)
	if r := psych.do(http.MethodGet, "/console/gaps", "", "", nil); r.status != http.StatusForbidden {
		t.Errorf("a specialist opening the gaps: %d", r.status)
	}
	owner := s.signInAs(t, bot.Person{Platform: bot.PlatformSlack, TeamID: "T0CON", UserID: "U0OWN001", Name: "Kit Author"})
	page := string(owner.do(http.MethodGet, "/console/gaps", "", "", nil).body)
	const theme = "lunch" // the word both questions share
	if !strings.Contains(page, "<strong>"+theme+"</strong></td><td>2</td><td>2</td><td>0</td>") {
		t.Errorf("the gaps page lacks the theme %q counted twice:\n%s", theme, page)
	}
	if strings.Contains(page, "Zephyrine") || strings.Contains(page, "Tyler") {
		t.Error("the gaps page shows a name")
	}
	if !strings.Contains(page, "week of 30 Nov: 3") || !strings.Contains(page, slices.Min(gs[2].Docs)) {
		t.Errorf("the chart does not count the two gaps in the week of 30 November (3 December's):\n%s", page)
	}
	// The lead's overview counts the questions of each week, and the share
	// not answered: two of the first week's three.
	overview := string(s.signInAs(t, consoleLead).do(http.MethodGet, "/console", "", "", nil).body)
	for _, want := range []string{"<title>week of 30 Nov: 3</title>", "<title>week of 30 Nov: 67%</title>"} {
		if !strings.Contains(overview, want) {
			t.Errorf("the overview lacks %q:\n%s", want, overview)
		}
	}
	r := owner.do(http.MethodGet, "/console/gaps.csv", "", "", nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || len(lines) < 3 ||
		lines[0] != "theme,questions,unanswered,not_helpful,other_words,documents_shown,last,last_4_weeks" || !strings.HasSuffix(lines[1], `,"0, 0, 2, 0"`) || !strings.HasPrefix(lines[1], theme+",2,2,0,") {
		t.Errorf("CSV: %d %s\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
}

// TestConsoleHealth: the corpus owners see documents past or near their
// review date with their owners, contacts with no phone or no email, and
// links to documents that do not exist; a specialist may not.
func TestConsoleHealth(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("corpus.yaml", "area: Testshire\n")
	write("processes/referral.md", "---\nid: ts-referral\ntitle: Making a referral\nkind: process\narea: Testshire\nowner: Referral Team Manager\nreviewed: 2025-01-10\nreview_due: 2026-01-10\n---\n# Making a referral\n\nSee [the pathway](../pathways/channel.md) and [the old form](../forms/gone.md#top), or [the council](https://testshire.example/x).\n")
	write("pathways/channel.md", "---\nid: ts-channel\ntitle: Channel pathway\nkind: pathway\narea: Testshire\nowner: Prevent Lead\nreviewed: 2026-01-02\nreview_due: 2026-12-20\n---\n# Channel\n\nBack to [referrals](../processes/referral.md).\n")
	write("contacts/lead.md", "---\nid: ts-contact-lead\ntitle: Prevent lead\nkind: contact\narea: Testshire\nowner: Prevent Lead\nreviewed: 2026-06-01\nreview_due: 2027-06-01\nname: Prevent Lead\nrole: Prevent lead\nphone: \"01632 960500\"\n---\n# Prevent lead\n\nRing them.\n")
	c, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := newConsoleServerWith(t, mustBaseOf(t, c))
	if r := s.signInAs(t, consolePsych).do(http.MethodGet, "/console/health", "", "", nil); r.status != http.StatusForbidden {
		t.Errorf("a specialist opening corpus health: %d", r.status)
	}
	if err := s.store.RecordAnswer(t.Context(), s.clock.Now(), []string{"ts-referral"}); err != nil {
		t.Fatal(err)
	}
	page := string(s.signInAs(t, consoleLead).do(http.MethodGet, "/console/health", "", "", nil).body)
	for _, want := range []string{
		"3 documents",
		"Past their review date: 1</h2>", "Making a referral<br><small>ts-referral</small></td><td>Referral Team Manager</td><td>10 Jan 2026</td>",
		"Due for review within 30 days: 1</h2>", "Channel pathway",
		"Contacts with no phone number: 0</h2>", "Contacts with no email address: 1</h2>", "ts-contact-lead",
		"Links to documents that do not exist: 1</h2>", "<code>../forms/gone.md#top</code>",
		"Never shown in an answer (counted since 3 Dec 10:00): 2</h2>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the health page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "channel.md</code>") || strings.Contains(page, "testshire.example") {
		t.Errorf("a working link is reported broken:\n%s", page)
	}
}
