package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// The commands, in one table that the engine and every adapter read: an
// adapter asks CommandWord whether a slash command's first word is one,
// and passes the desk's commands on as text for the engine to judge.

// commandShapes are the commands recognised in plain text, with how many
// words may follow (-1: any) and whether a consultation reference must. A
// message of another shape is a question: "consult with psychology about a
// boy who..." is asked, not run.
var commandShapes = map[string]struct {
	maxWords int
	ref      bool
	desk     bool // the consultation desk's: a command only in its shape
	named    bool // names a colleague: with a mention, any number of words (a Teams name)
}{
	CmdHelp:     {maxWords: 0},
	CmdArea:     {maxWords: 4},
	CmdContacts: {maxWords: 2},
	CmdConsult:  {maxWords: 1},
	CmdFeedback: {maxWords: -1},
	CmdAsk:      {maxWords: -1},
	CmdWeb:      {maxWords: 0},
	CmdMy:       {maxWords: 1, desk: true},
	CmdEscalate: {maxWords: 1, desk: true},
	CmdReply:    {maxWords: -1, ref: true, desk: true},
	CmdClose:    {maxWords: -1, ref: true, desk: true},
	CmdCancel:   {maxWords: 1, ref: true, desk: true},
	CmdHandOver: {maxWords: 2, ref: true, desk: true, named: true},
	CmdHandBack: {maxWords: 1, ref: true, desk: true},
}

// parseCommand reads a command typed as text ("area Wyvern Vale", "/my");
// mentions is how many people the message mentions.
func parseCommand(text string, mentions int) (cmd, rest string, ok bool) {
	t := strings.TrimSpace(text)
	t = strings.TrimPrefix(t, "/")
	word, rest, _ := strings.Cut(t, " ")
	word = strings.ToLower(word)
	shape, known := commandShapes[word]
	if !known {
		return "", text, false
	}
	rest = strings.TrimSpace(rest)
	n := len(strings.Fields(rest))
	switch {
	case shape.ref && !refRE.MatchString(rest):
		return "", text, false
	case shape.maxWords >= 0 && n > shape.maxWords && !(shape.named && mentions > 0):
		return "", text, false
	case (word == CmdFeedback || word == CmdAsk) && n == 0:
		return "", text, false
	}
	return word, rest, true
}

// CommandWord says what a platform's command word (the first word after
// "/waymark", a web chat's command field) is: one of the Cmd constants that
// adapters pass as Message.Command with the words after it; desk true for
// the consultation desk's commands (my, escalate, reply, close, cancel,
// handover), which adapters pass on whole as Text, since whether "my 15
// year old says..." is a command depends on what follows; ok false for a
// word that is no command. Case and a leading "/" do not matter.
func CommandWord(word string) (cmd string, desk, ok bool) {
	word = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(word), "/"))
	shape, ok := commandShapes[word]
	if !ok {
		return "", false, false
	}
	return word, shape.desk, true
}

// help explains what Waymark does and its commands.
func (e *Engine) help(ctx context.Context, m Message) Reply {
	area, err := e.userArea(ctx, m)
	text := "I answer questions about " + areaName(area) + "'s safeguarding processes, referral pathways and specialist contacts, " +
		"especially radicalisation and exploitation. Ask in your own words, for example \"how do I make a Prevent referral?\" or \"who is the LADO?\".\n" +
		"Commands:\n" +
		"• ask <question>: ask a question\n" +
		"• area [name]: show or set the area your questions are about\n" +
		"• contacts [specialism]: list contacts, e.g. contacts psychology\n" +
		"• consult [specialism]: book a consultation with a specialist\n" +
		"• feedback <comment>: tell the council's team what would help\n"
	if e.opts.WebLinks != nil && m.Platform != PlatformWeb {
		text += "• web: a one-time link to sign in to Waymark on the web\n"
	}
	if e.opts.Desk != nil {
		text += "• my: your consultation requests, to see or cancel them\n" +
			"• reply WM-000042 <message>: write to the other side of a consultation\n" +
			"• handover WM-000042 @colleague: a specialist hands a consultation to another\n" +
			"• handback WM-000042: a specialist returns a consultation to its queue\n" +
			"• escalate: ask for a duty manager now\n"
	}
	text += "Never post a child's name, date of birth, address or NHS number."
	reply := Reply{Text: text, Buttons: e.consultButtons(area)}
	if ErrorKind(err) == EUnavailable {
		reply.Notices = append(reply.Notices, unavailableNotice)
	}
	return reply
}

func (e *Engine) area(ctx context.Context, m Message) (Reply, error) {
	want := strings.TrimSpace(m.Text)
	areas := e.kb.Areas()
	if want == "" {
		current, err := e.userArea(ctx, m)
		reply := Reply{Text: fmt.Sprintf("Your area is %s. Areas I know: %s. To change it, send \"area <name>\".", areaName(current), strings.Join(areas, ", ")), Ephemeral: true}
		if err != nil {
			return e.degraded(err, reply)
		}
		return reply, nil
	}
	i := slices.IndexFunc(areas, func(a string) bool { return strings.EqualFold(a, want) })
	if i < 0 {
		return Reply{}, Errorf(EInvalid, "I don't know that area. Areas I know: %s.", strings.Join(areas, ", "))
	}
	if err := e.store.SaveProfile(ctx, m.UserKey(), Profile{Area: areas[i], UpdatedAt: e.clock.Now()}); err != nil {
		return e.degraded(err, Reply{Text: "I could not save your area just now; I will use " + areaName(e.opts.DefaultArea) + " meanwhile.", Ephemeral: true})
	}
	return Reply{Text: "Done: your questions will be answered for " + areas[i] + ".", Ephemeral: true}, nil
}

func (e *Engine) contacts(ctx context.Context, m Message) (Reply, error) {
	area, err := e.userArea(ctx, m)
	if err != nil && ErrorKind(err) != EUnavailable {
		return Reply{}, err
	}
	specialism := strings.ToLower(strings.TrimSpace(m.Text))
	docs := e.kb.Contacts(area, specialism)
	if len(docs) == 0 && specialism != "" {
		// Not a specialism: search contacts for the words instead.
		res, serr := e.kb.Search(ctx, SearchRequest{Query: specialism, Area: area, Kinds: []string{KindContact}, Limit: 5})
		if serr != nil {
			return Reply{}, serr
		}
		for _, h := range append(res.Hits, res.Suggestions...) {
			docs = append(docs, h.Document)
		}
	}
	reply := Reply{Buttons: e.consultButtons(area)}
	for _, d := range docs {
		reply.Contacts = append(reply.Contacts, contactCard(d, e.clock.Now()))
	}
	switch {
	case len(docs) == 0:
		reply.Text = "I found no contacts for that in " + areaName(area) + "."
	case specialism == "":
		reply.Text = "Contacts for " + areaName(area) + ":"
	case len(e.kb.Contacts(area, specialism)) > 0:
		reply.Text = "Contacts for " + SpecialismName(specialism) + " consultations in " + areaName(area) + ":"
	default:
		reply.Text = "Contacts in " + areaName(area) + " that match:"
	}
	if err != nil {
		return e.degraded(err, reply)
	}
	return reply, nil
}

// consult shows how to book a consultation with a specialism's bookable
// contacts. (Booking through a queue arrives with consultations.)
func (e *Engine) consult(ctx context.Context, m Message, specialism string) (Reply, error) {
	area, err := e.userArea(ctx, m)
	if err != nil && ErrorKind(err) != EUnavailable {
		return Reply{}, err
	}
	if e.opts.Desk != nil {
		return e.opts.Desk.BookingForm(area, strings.ToLower(specialism))
	}
	var cards []ContactCard
	for _, d := range e.kb.Contacts(area, strings.ToLower(specialism)) {
		if d.Contact != nil && d.Contact.Bookable {
			cards = append(cards, contactCard(d, e.clock.Now()))
		}
	}
	reply := Reply{Contacts: cards}
	switch {
	case len(cards) == 0 && specialism != "":
		return Reply{}, Errorf(EInvalid, "No one in %s takes that kind of consultation. Try consult without a specialism to see who does.", areaName(area))
	case len(cards) == 0:
		reply.Text = "No specialists in " + areaName(area) + " take consultations through Waymark yet."
	default:
		reply.Text = "To book a consultation, contact one of these specialists with your question (no names or dates of birth):"
		if specialism == "" {
			reply.Buttons = e.consultButtons(area)
		}
	}
	if err != nil {
		return e.degraded(err, reply)
	}
	return reply, nil
}

func (e *Engine) feedback(ctx context.Context, m Message) (Reply, error) {
	comment := strings.TrimSpace(m.Text)
	if comment == "" {
		return Reply{}, Errorf(EInvalid, "Add your comment after feedback, e.g. feedback the out-of-hours number was wrong.")
	}
	if len([]rune(comment)) > maxQuestion {
		return Reply{}, Errorf(EInvalid, "That comment is too long (over %d characters).", maxQuestion)
	}
	if s := e.kb.Screen(comment); s.PersonalData {
		return Reply{}, Errorf(EInvalid, "Your comment included %s, so I have not kept it. Please send it again without identifying details.", describeKinds(s.PersonalKinds))
	}
	f := Feedback{UserKey: pseudonym(m.UserKey()), Verdict: VerdictComment, Comment: comment, At: e.clock.Now()}
	if err := e.store.SaveFeedback(ctx, f); err != nil {
		return e.degraded(err, Reply{Text: "I could not record your feedback just now; please try again later.", Ephemeral: true})
	}
	return Reply{Text: "Thank you: your feedback goes to the team that keeps the guidance.", Ephemeral: true}, nil
}
