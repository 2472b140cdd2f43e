package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
)

// userArea returns the practitioner's area, and whether the store answered.
func (e *Engine) userArea(ctx context.Context, m Message) (string, error) {
	p, err := e.store.Profile(ctx, m.UserKey())
	if err != nil || p.Area == "" {
		return e.opts.DefaultArea, err
	}
	return p.Area, nil
}

// followUpStarts open a question that leans on the one before.
var followUpStarts = []string{"what about", "how about", "and ", "and what", "what if", "ok and", "okay and", "also", "what else", "same for", "but what", "and if"}

// leansOnContext reports whether q opens like a follow-up ("what about out
// of hours?").
func leansOnContext(q string) bool {
	l := strings.ToLower(strings.TrimSpace(q))
	for _, s := range followUpStarts {
		if strings.HasPrefix(l, s) {
			return true
		}
	}
	return false
}

// shortQuestion is at most this many words: it may stand alone ("CSE
// training courses") or lean on the last question ("out of hours?").
const shortQuestion = 4

// topicMax bounds the remembered context: the topic and the latest
// follow-up, not the whole conversation.
const topicMax = 300

// search answers q, using the conversation's last question as context when
// q is a follow-up: always when it opens like one, and when it is short and
// has no answer of its own. It reports whether the context was used.
func (e *Engine) search(ctx context.Context, q, area string, conv Conversation) (SearchResult, bool, error) {
	req := SearchRequest{Query: q, Area: area, Limit: e.opts.Answers + e.opts.Contacts}
	if conv.LastQuestion == "" {
		res, err := e.kb.Search(ctx, req)
		return res, false, err
	}
	if leansOnContext(q) {
		req.Context = conv.LastQuestion
		res, err := e.kb.Search(ctx, req)
		return res, true, err
	}
	res, err := e.kb.Search(ctx, req)
	if err != nil || len(res.Hits) > 0 || len(strings.Fields(q)) > shortQuestion {
		return res, false, err
	}
	req.Context = conv.LastQuestion
	withContext, err := e.kb.Search(ctx, req)
	if err != nil || len(withContext.Hits) == 0 {
		return res, false, err
	}
	return withContext, true, nil
}

// remember is the context to keep after answering q: q itself, or for a
// follow-up, the topic it followed and q.
func remember(q string, followUp bool, conv Conversation) string {
	if !followUp {
		return q
	}
	topic := conv.LastQuestion
	if r := []rune(topic); len(r) > topicMax/2 {
		topic = string(r[:topicMax/2])
	}
	out := topic + " " + q
	if r := []rune(out); len(r) > topicMax {
		out = string(r[:topicMax])
	}
	return out
}

func (e *Engine) ask(ctx context.Context, m Message, question string) (Reply, error) {
	q := strings.TrimSpace(question)
	if q == "" {
		return e.help(ctx, m), nil
	}
	if len([]rune(q)) > maxQuestion {
		return Reply{}, Errorf(EInvalid, "That question is too long (over %d characters). Please shorten it.", maxQuestion)
	}
	// Over the question limit, a question describing immediate risk is
	// still answered: the limit holds back only its prompt (below).
	started := time.Now() // for the answer's latency only: no decision waits on it
	limited := e.allow(ctx, m, limitQuestion, e.opts.Limits.Questions)
	if limited != nil && !e.kb.Screen(q).Escalate {
		return Reply{}, limited
	}
	var notices []Notice
	area, err := e.userArea(ctx, m)
	storeDown := ErrorKind(err) == EUnavailable
	if err != nil && !storeDown {
		return Reply{}, err
	}
	conv, err := e.store.Conversation(ctx, m.ConversationKey())
	if ErrorKind(err) == EUnavailable {
		storeDown = true
	} else if err != nil {
		return Reply{}, err
	}
	if storeDown {
		notices = appendNotice(notices, unavailableNotice)
	}

	res, followUp, err := e.search(ctx, q, area, conv)
	if err != nil {
		return Reply{}, err
	}
	s := res.Screening
	if s.Escalate {
		act := e.actNowNotice(ctx, area)
		if d := e.opts.Desk; d != nil {
			if err := e.allow(ctx, m, limitEscalation, e.opts.Limits.Escalations); tooMany(err) {
				act.Text += "\nYou have raised several alerts in a short time, so I have not prompted the duty manager again: ring them now."
			} else if esc, err := d.EscalateRisk(ctx, m, s.Risks); err != nil {
				e.log.ErrorContext(ctx, "risk escalation failed", "message", m.ID, "err", err)
				act.Text += "\nI could not alert the duty manager automatically: ring them now."
			} else {
				act.Text += fmt.Sprintf("\nI have alerted the duty manager (%s); you will be told who has it.", esc.ID)
			}
		}
		notices = append([]Notice{act}, notices...)
	}
	if s.PersonalData {
		notices = append(notices, Notice{
			Kind:  NoticePersonalData,
			Title: "Please remove identifying details",
			Text: "Your question included " + describeKinds(s.PersonalKinds) + ". Don't post names, dates of birth, addresses, NHS numbers or family phone numbers in chat: " +
				"describe the child instead (\"a 14-year-old boy in year 9\"). I have not kept your question.",
		})
	}
	reply := e.compose(ctx, area, res, !storeDown)
	reply.FollowUps = slices.DeleteFunc(reply.FollowUps, func(f string) bool { return sameQuestion(f, q) })
	reply.Notices = append(notices, reply.Notices...)
	SortNotices(reply.Notices)
	if storeDown {
		e.log.WarnContext(ctx, "answering without conversation state: the store is unavailable", "platform", m.Platform, "message", m.ID)
	}

	if !s.PersonalData && !storeDown {
		remembered := remember(q, followUp, conv)
		var docs []string
		for _, h := range res.Hits {
			docs = append(docs, h.Document.ID)
		}
		err := e.store.SaveConversation(ctx, m.ConversationKey(), Conversation{LastQuestion: remembered, LastArea: area, LastDocs: docs, LastRef: reply.Ref, UpdatedAt: e.clock.Now()})
		if err != nil {
			if reply, err = e.degraded(err, reply); err != nil {
				return Reply{}, err
			}
		}
	}
	if len(res.Hits) == 0 && !s.PersonalData {
		e.recordGap(ctx, GapUnanswered, area, q, nil)
	}
	if e.opts.Usage != nil {
		var shown []string
		for _, h := range res.Hits {
			shown = append(shown, h.Document.ID)
		}
		if err := e.opts.Usage.RecordAnswer(ctx, e.clock.Now(), shown); err != nil {
			e.log.WarnContext(ctx, "answer not counted", "message", m.ID, "err", err)
		}
	}
	e.log.InfoContext(ctx, "answered", "platform", m.Platform, "message", m.ID, "ref", reply.Ref,
		"hits", len(res.Hits), "confidence", fmt.Sprintf("%.2f", res.Confidence), "follow_up", followUp,
		"escalate", s.Escalate, "personal_data", s.PersonalData, "degraded", storeDown)
	e.opts.Metrics.Question(m.Platform, len(res.Hits) > 0, s.Escalate, time.Since(started))
	return reply, nil
}

func describeKinds(kinds []string) string {
	names := map[string]string{
		"name_with_dob": "a name with a date of birth", "date_of_birth": "a date of birth",
		"address": "an address", "postcode": "a postcode", "nhs_number": "an NHS number",
		"phone": "a phone number", "email": "an email address", "record_number": "a record number",
	}
	var out []string
	for _, k := range kinds {
		if n, ok := names[k]; ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return "identifying details"
	}
	if len(out) == 1 {
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

// compose turns a search result into a Reply: answer cards, contact cards,
// consultation and feedback buttons, follow-up suggestions.
func (e *Engine) compose(ctx context.Context, area string, res SearchResult, feedback bool) Reply {
	reply := Reply{Ref: newRef()}
	var processLike bool
	for _, h := range res.Hits {
		d := h.Document
		if d.Kind == KindContact {
			if len(reply.Contacts) < e.opts.Contacts {
				reply.Contacts = append(reply.Contacts, contactCard(d, e.clock.Now()))
			}
			continue
		}
		if len(reply.Answers) < e.opts.Answers {
			reply.Answers = append(reply.Answers, AnswerCard{
				DocID: d.ID, Title: d.Title, Kind: d.Kind, Area: d.Area, Snippet: h.Snippet, URL: d.URL,
				Reviewed: d.Reviewed, ReviewDue: d.ReviewDue, Stale: h.Stale, Owner: d.Owner,
			})
			processLike = processLike || d.Kind == KindProcess || d.Kind == KindPathway
		}
	}
	switch {
	case len(res.Hits) == 0:
		for _, h := range res.Suggestions {
			if len(reply.Contacts) < e.opts.Contacts {
				reply.Contacts = append(reply.Contacts, contactCard(h.Document, e.clock.Now()))
			}
		}
		reply.Text = "I don't know: nothing in " + areaName(area) + "'s guidance answers that with confidence. Try other words"
		if len(reply.Contacts) > 0 {
			reply.Text += ", ask one of these contacts,"
		}
		reply.Text += " or book a consultation."
	case len(reply.Answers) == 0:
		reply.Text = "These are the people to contact:"
	default:
		reply.Text = "Here is what " + areaName(area) + "'s guidance says:"
		switch stale := staleCount(reply.Answers); {
		case stale == 1:
			reply.Text = "Here is what " + areaName(area) + "'s guidance says. One of these documents is past its review date: check it with its owner."
		case stale > 1:
			reply.Text = fmt.Sprintf("Here is what %s's guidance says. %d of these documents are past their review date: check them with their owners.", areaName(area), stale)
		}
	}
	reply.Buttons = e.consultButtons(area)
	if len(reply.Answers) > 0 {
		// The answer's whole document, in the chat.
		top := reply.Answers[0]
		label := "Show the whole document"
		if top.Kind == KindProcess || top.Kind == KindPathway {
			label = "Show the steps"
		}
		reply.Buttons = append([]Button{{ActionID: ActionShowDoc, Label: label, Value: top.DocID}}, reply.Buttons...)
	}
	if len(res.Hits) > 0 && feedback {
		reply.Buttons = append(reply.Buttons,
			Button{ActionID: ActionHelpful, Label: "Helpful", Value: reply.Ref},
			Button{ActionID: ActionNotHelpful, Label: "Not helpful", Value: reply.Ref})
	}
	if processLike && len(reply.Contacts) == 0 {
		reply.FollowUps = append(reply.FollowUps, "Who do I contact about this?")
	}
	if len(res.Hits) > 0 {
		reply.FollowUps = append(reply.FollowUps, "What about out of hours?")
	}
	return reply
}

// showDocument is the whole of the document with id, as a full card.
func (e *Engine) showDocument(id string) (Reply, error) {
	d, err := e.kb.Document(strings.TrimSpace(id))
	if err != nil {
		return Reply{}, err
	}
	return Reply{
		Text: "The whole of " + d.Title + ":",
		Answers: []AnswerCard{{
			DocID: d.ID, Title: d.Title, Kind: d.Kind, Area: d.Area, Snippet: d.Body, URL: d.URL,
			Reviewed: d.Reviewed, ReviewDue: d.ReviewDue, Stale: d.Stale(e.clock.Now()), Owner: d.Owner, Full: true,
		}},
		Ephemeral: true,
	}, nil
}

// sameQuestion reports whether a and b ask the same in other case or
// punctuation: a follow-up is not offered right after it was asked.
func sameQuestion(a, b string) bool {
	norm := func(s string) string {
		return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}), " ")
	}
	return norm(a) == norm(b)
}

func areaName(area string) string {
	if area == "" {
		return "the council"
	}
	return area
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func staleCount(cards []AnswerCard) int {
	n := 0
	for _, c := range cards {
		if c.Stale {
			n++
		}
	}
	return n
}

// contactCard is d as someone to reach, flagged when it is past its review
// date at now.
func contactCard(d *Document, now time.Time) ContactCard {
	c := d.Contact
	if c == nil {
		c = &Contact{}
	}
	name := c.Name
	if name == "" {
		name = d.Title
	}
	return ContactCard{
		DocID: d.ID, Name: name, Role: c.Role, Team: c.Team, Organisation: c.Organisation,
		Phone: c.Phone, Email: c.Email, Hours: c.Hours, OutOfHours: c.OutOfHours,
		Specialism: c.Specialism, Bookable: c.Bookable,
		Stale: d.Stale(now), ReviewDue: d.ReviewDue, Owner: d.Owner,
	}
}

// consultButtons offers a consultation for each bookable specialism of the
// area.
func (e *Engine) consultButtons(area string) []Button {
	var out []Button
	seen := map[string]bool{}
	for _, d := range e.kb.Contacts(area, "") {
		c := d.Contact
		if c == nil || !c.Bookable || c.Specialism == "" || seen[c.Specialism] {
			continue
		}
		seen[c.Specialism] = true
		out = append(out, Button{ActionID: ActionConsult, Label: "Book a " + SpecialismName(c.Specialism) + " consultation", Value: c.Specialism})
	}
	slices.SortFunc(out, func(a, b Button) int { return strings.Compare(a.Value, b.Value) })
	return out
}

// specialistsName is the specialism before "specialists": "the Prevent
// specialists", not "the Prevent specialist specialists".
func specialistsName(s string) string {
	return strings.TrimSuffix(SpecialismName(s), " specialist")
}

// SpecialismName is a specialism as people read it ("Prevent specialist").
func SpecialismName(s string) string {
	switch s {
	case "prevent":
		return "Prevent specialist"
	case "psychology":
		return "psychology"
	}
	return s
}

// actNowNotice is the fixed message shown before anything else when a
// question describes immediate risk: 999 first, then the council's duty
// manager, out-of-hours service and police Prevent team from the corpus
// (only contacts the search is confident about, looked up each time so a
// reloaded corpus's numbers are used at once), and the national ACT Early
// support line.
func (e *Engine) actNowNotice(ctx context.Context, area string) Notice {
	lines := []string{"If a child is in immediate danger, call 999 now."}
	for _, lookup := range []struct{ label, query string }{
		{"Then tell the duty manager", "duty manager"},
		{"Out of hours", "out of hours emergency duty team"},
		{"Police Prevent", "police prevent team"},
	} {
		res, err := e.kb.Search(ctx, SearchRequest{Query: lookup.query, Area: area, Kinds: []string{KindContact}, Limit: 1})
		if err != nil || len(res.Hits) == 0 {
			continue
		}
		c := contactCard(res.Hits[0].Document, e.clock.Now())
		detail := strings.Join(nonEmpty(c.Name, c.Phone, c.Email), ", ")
		if c.OutOfHours != "" && lookup.label == "Out of hours" {
			detail += " (out of hours: " + c.OutOfHours + ")"
		}
		if w := c.StaleWarning(); w != "" {
			detail += ". " + strings.TrimSuffix(w, ".")
		}
		lines = append(lines, lookup.label+": "+detail+".")
	}
	lines = append(lines,
		"For advice about radicalisation, the national ACT Early support line (actearly.uk) is there too.",
		"Follow your immediate-risk procedure; the answer below has it.")
	return Notice{Kind: NoticeActNow, Title: "This sounds urgent: act now", Text: strings.Join(lines, "\n")}
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// refPattern is what newRef makes.
var refPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

// pseudonym stands for a user in feedback records: stable, so repeated
// feedback can be told apart, but not the platform's user id.
// FeedbackPseudonym is how feedback names the person userKey: a one-way
// digest, so that feedback can be counted per person and erased with
// them, but not read back to them.
func FeedbackPseudonym(userKey string) string { return pseudonym(userKey) }

func pseudonym(userKey string) string {
	sum := sha256.Sum256([]byte("waymark-feedback:" + userKey))
	return hex.EncodeToString(sum[:8])
}

func newRef() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("r%d", time.Now().UnixNano())
	}
	return hex.EncodeToString(b[:])
}
