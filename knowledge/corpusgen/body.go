package corpusgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Templates use {placeholders} that fill expands, each occurrence drawn
// afresh: {term}, {action}, {sign}, {concern}, {name}, {short}, {team},
// {teamshort}, {phone}, {email}, {place}, {building}, {partner}, {setting},
// {timeframe}, {age}, {law}, {audience}, {person}, {role}, {kind}, {other},
// {format}, {level}, {date}, {edt}. A capitalised placeholder ({Action},
// {Term}, ...) capitalises its first letter.

var genericTitles = map[string][]string{
	"process": {"Responding to {concern}", "How to raise {concern} out of hours", "Escalating {concern} to a strategy discussion",
		"{Short}: step by step for {audience}", "Recording {concern} on GenCare", "Making a referral about {name}", "{Short}: what to do in {place}",
		"Booking a consultation about {name}", "What to do first when a child {sign}"},
	"pathway": {"Pathway: {name}", "Pathway for {audience} worried about {name}", "From {short} to early help: who leads", "{Short} pathway in {place}",
		"Pathway: when {name} and exploitation overlap", "Which route for {concern}?"},
	"guidance": {"{Name}: practice guidance", "Indicators of {name}", "Consent and information sharing in {short} work", "Thresholds for {name}",
		"Talking to families about {name}", "Describing {name} in records and referrals", "{Name}: a briefing for {audience}"},
	"training": {"{Short} awareness training ({level})", "Workshop: {name} for {audience}", "E-learning: {name}", "Briefing on {name} for {audience}",
		"{Short} masterclass ({level})"},
	"practice": {"Practice example: {name} in a {setting}", "Case study: {name} in {place}", "Learning from {concern} in a {setting}",
		"Practice example: a child who {sign}"},
}

var introLeads = []string{
	"This {kind} sets out what to do when you have {concern} about {age} in {place} or anywhere else in Generated Vale.",
	"This {kind} is for {audience} dealing with {concern}.",
	"Use this {kind} when a child {sign}, or when you have any other reason to think about {name}.",
	"{Name} is everyone's business: this {kind} explains what is expected of {audience} in Generated Vale.",
}

var introSentences = []string{
	"Staff at {school} and {venue} helped write it, from real questions they had asked.",
	"Use it alongside {law} and the Generated Vale threshold document.",
	"Practitioners in a {setting} are often the first to notice {concern}, and it usually sits alongside other needs.",
	"It was written by the {team} with {partner} and {partner}, and it is reviewed every year.",
	"{Term} is only one part of the picture: look at the whole child, their family and the places where they spend time.",
	"Most concerns about {name} start with something small, such as a child who {sign}.",
	"The aim is a proportionate response: enough to keep the child safe, without drawing the family into processes they do not need.",
	"Read it together with *{other}*.",
}

var stepSentences = []string{
	"**{Action}.** Do this {timeframe}; if you cannot, tell your manager why.",
	"**{Action}.** The {team} can advise on {phone}.",
	"**Check GenCare** for history before you contact the family, and note any earlier {term}.",
	"**Agree next steps with your manager**, including whether {term} is needed.",
	"**Tell the family** what you are doing unless that would put the child or anyone else at greater risk.",
	"**Send the details** to {email} and copy your team manager.",
	"**Record your decision** and the reasons for it on GenCare {timeframe}.",
	"**{Action}**, then {action}.",
	"**Speak to {partner}** to find out what they already know about {term}.",
	"**Write down what you saw and heard**, using the child's own words where you can.",
}

var nextSentences = []string{
	"The {team} screens the contact {timeframe} and tells the referrer the outcome.",
	"Possible outcomes are no further action, advice, Beacon early help, a child and family assessment or a strategy discussion.",
	"If you have heard nothing {timeframe}, email {email}.",
	"{Partner} may ask for more information; answer promptly and record what you shared.",
	"Where {term} is agreed, a lead worker is named and the plan is reviewed every six weeks.",
	"Cases that meet the threshold are discussed with {partner} and {partner} before a decision is made.",
	"The referrer is told the outcome in writing, with reasons.",
}

var routeSentences = []string{
	"**If the child {sign}**: {action}, and {action}.",
	"**If the family refuses support**: record their reasons, tell the {team} and consider whether the risk still needs a statutory response.",
	"**If {term} is already in place**: speak to the allocated worker before doing anything else; they lead.",
	"**If the risk is immediate**: call 999, then the {team} on {phone}; out of hours ring the Emergency Duty Team on {edt}.",
	"**If the concern is mainly about {term}**: {action}.",
	"**If you are unsure which route applies**: ring the MASH consultation line and talk it through.",
}

var leadSentences = []string{
	"The {team} leads while the concern is assessed; once the plan is agreed the case passes to the allocated team.",
	"Where a child is open to Children's Services, the allocated social worker leads and the {team} advises.",
	"If the case steps down, Beacon Early Help names a lead professional {timeframe}.",
	"{Partner} stays involved through the team around the family.",
}

var keyPointSentences = []string{
	"{Term} does not on its own mean a child is at risk; look for a pattern over time.",
	"{Law} sets out the duty to cooperate and to share information where a child may be at risk.",
	"Describe behaviour, not labels such as \"radicalised\", \"groomed\" or \"streetwise\".",
	"Children rarely disclose all at once; listen, do not lead, and write down their words.",
	"Consider whether the child is a victim of {term} before treating them as an offender.",
	"Indicators include a child who {sign}.",
	"Be curious about {term} and ask open questions.",
	"{Name} can look different for girls, for younger children and for disabled children.",
	"Think about {term} alongside {term}: the two often go together.",
	"A child who {sign} needs a conversation, not an assumption.",
}

var trainingCoverSentences = []string{
	"{Term} and how it links to {term}.",
	"Case studies from {place} and {place}.",
	"What to do when a child {sign}.",
	"How to {action}.",
	"The local pathway and who to contact in the {team}.",
	"What {law} means for your role.",
	"Practising conversations with parents about {name}.",
}

var practiceConcernLeads = []string{
	"{Age} in {place} {sign}. Staff at the {setting} contacted the MASH.",
	"Staff at a {setting} in {place} noticed that {age} {sign}.",
}

var practiceConcernSentences = []string{
	"The child attended {school} and lived near {street}.",
	"Friends from {estate} had started to spend time with older teenagers outside {venue}.",
	"The family had been known to Beacon Early Help for a year, mainly because of {term}.",
	"{Partner} had also noticed changes: the child had stopped attending clubs and was online late at night.",
	"The first worry was {concern}, but the picture turned out to be wider.",
}

var practiceDidSentences = []string{
	"The social worker chose to {action}, and to {action}.",
	"A strategy discussion was held with {partner} and {partner}, and the team agreed that {term} was needed.",
	"The worker used the child's interest in gaming to build a relationship before talking about {term}.",
	"{Person}, a {role} in the {team}, offered a consultation and helped the team write a formulation.",
	"The school and the family agreed a safety plan, reviewed every two weeks.",
}

var practiceOutcomeSentences = []string{
	"After six months the concerns had reduced and the case stepped down to Beacon Early Help.",
	"The case was discussed at Channel and the young person accepted support from an intervention provider.",
	"Police disrupted the adults involved and the child returned to full-time education.",
	"The family engaged once they understood that the aim was support, not punishment.",
}

var learningSentences = []string{
	"Early curiosity about {term} made the difference.",
	"Sharing information with {partner} {timeframe} avoided delay.",
	"Labels got in the way; describing behaviour helped everyone agree the risk.",
	"The child's own account changed the plan: ask, and record what they say.",
	"Think about {term} even when the first referral is about something else.",
}

var closingSentences = []string{
	"Schools around {estate}, including {school}, have a named link worker in the {team}.",
	"Drop-in sessions for {audience} run at {venue} on the first Tuesday of each month.",
	"Local partners have mapped concerns around {street} and {estate}; ask the {team} for the latest map.",
	"{Person} at {venue} can help with venues for family meetings in {place}.",
	"Recent local learning came from {school} and {school}.",
	"If a child is in immediate danger, call 999 first.",
	"Out of hours, phone the Emergency Duty Team on {edt}.",
	"See also *{other}*.",
	"Speak to your manager if you are unsure whether {term} applies.",
	"Keep the child's voice at the centre of your record: what they said, in their own words.",
	"Partners in {place} meet monthly to review {name}; ask the {team} for dates.",
	"Interpreters are available through the council's language line; book one for every meeting where a family member needs it.",
	"Never promise a child you will keep a secret; explain who you will tell and why.",
	"The {team} publishes a short monthly bulletin on {name}, with learning from local cases.",
	"The Generated Vale Safeguarding Partnership reviews this {kind} every year and after any local review.",
	"Feedback on this page goes to {email}.",
	"For advice on {term}, ring the {team} on {phone} or email {email}.",
	"Supervision is the place to reflect on {concern}; bring your chronology.",
	"Where {partner} disagrees with a decision, follow the escalation policy rather than waiting.",
	"Under {law}, agencies must work together; {partner} cannot refuse to share on the grounds of confidentiality alone.",
	"Remember that the family may feel judged; explain {term} in plain language.",
}

var consultSentences = []string{
	"A child who {sign}.",
	"{Term} and {term}.",
	"Planning how to {action}.",
	"Cases where {term} and {term} both matter.",
	"Preparing for {term}.",
	"What {law} expects of your team.",
	"Second opinions when you and {partner} see the risk differently.",
}

var nationalBodies = []string{"the Home Office", "Counter Terrorism Policing", "the Department for Education", "the national advice line", "the national safeguarding panel"}

// fill expands the placeholders of tmpl.
func (g *gen) fill(tmpl string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		key := tmpl[i+1 : i+j]
		v := g.value(strings.ToLower(key))
		if key != strings.ToLower(key) {
			v = capFirst(v)
		}
		b.WriteString(v)
		tmpl = tmpl[i+j+1:]
	}
}

func (g *gen) value(key string) string {
	r := g.r
	switch key {
	case "term":
		return g.fresh(key, g.t.terms)
	case "action":
		return g.fresh(key, g.t.actions)
	case "sign":
		return g.fresh(key, g.t.signs)
	case "concern":
		return g.t.concern
	case "name":
		return g.t.name
	case "short":
		return g.t.short
	case "team":
		if g.national {
			return strings.TrimPrefix(pick(r, nationalBodies), "the ")
		}
		return g.team.name
	case "teamshort":
		return g.team.short
	case "phone":
		if g.national {
			return phone(1900 + r.IntN(100))
		}
		return teamPhone(g.team)
	case "email":
		if g.national {
			return "advice@national.example"
		}
		return teamEmail(g.team)
	case "place":
		if g.national {
			return pick(r, []string{"England", "one council area", "a county area", "a city council"})
		}
		return g.fresh(key, places)
	case "building":
		return pick(r, buildings)
	case "partner":
		return g.fresh(key, partners)
	case "setting":
		return pick(r, settings)
	case "timeframe":
		return pick(r, timeframes)
	case "age":
		return pick(r, ageGroups)
	case "law":
		return pick(r, laws)
	case "audience":
		return pick(r, audiences)
	case "person":
		return g.personName()
	case "role":
		return strings.ToLower(pick(r, g.team.roles))
	case "kind":
		return map[string]string{"process": "process", "pathway": "pathway", "contact": "page", "guidance": "guidance",
			"training": "course page", "practice": "example"}[g.kind]
	case "other":
		t := pick(r, topics)
		return pick(r, t.titles)
	case "format":
		return pick(r, formats)
	case "level":
		return pick(r, levels)
	case "date":
		return strconv.Itoa(1+r.IntN(28)) + " " + pick(r, months) + " 2027"
	case "edt":
		return edtPhone
	case "school":
		return fmt.Sprintf(pick(r, schoolKinds), g.local())
	case "street":
		return fmt.Sprintf(pick(r, streetKinds), g.local())
	case "estate":
		return "the " + g.local() + " estate"
	case "venue":
		return fmt.Sprintf(pick(r, venueKinds), g.local())
	}
	return "{" + key + "}"
}

// local returns an invented local name, the common ones often and the rest
// rarely (Zipf), as the proper nouns of a real corpus are distributed.
func (g *gen) local() string {
	if g.zipf == nil {
		g.zipf = rand.NewZipf(g.r, 1.07, 2, uint64(inventedWords-1))
	}
	return inventedWord(int(g.zipf.Uint64()))
}

// personName returns an invented full name.
func (g *gen) personName() string {
	first := pick(g.r, firstNames)
	if g.r.IntN(2) == 0 {
		return first + " " + pick(g.r, surnames)
	}
	return first + " " + g.local()
}

// fresh picks from xs, avoiding the value key last had, so a sentence does
// not say "police and police".
func (g *gen) fresh(key string, xs []string) string {
	v := pick(g.r, xs)
	for v == g.last[key] && len(xs) > 1 {
		v = pick(g.r, xs)
	}
	if g.last == nil {
		g.last = map[string]string{}
	}
	g.last[key] = v
	return v
}

func (g *gen) title() string {
	var t string
	if g.kind == "contact" {
		return "" // set from the contact in body
	}
	switch {
	case g.kind == "training" && g.r.IntN(3) == 0:
		t = "Training: " + pick(g.r, g.t.titles)
	case g.kind != "practice" && g.kind != "training" && g.r.IntN(3) == 0:
		t = pick(g.r, g.t.titles)
	default:
		t = g.fill(pick(g.r, genericTitles[g.kind]))
	}
	if g.national {
		return t + " (national guidance)"
	}
	if g.r.IntN(6) == 0 {
		t += " – " + pick(g.r, places) + " locality"
	}
	return t
}

func (g *gen) summary() string {
	var tmpl string
	switch g.kind {
	case "process":
		tmpl = pick(g.r, []string{"How to respond to {concern}: {action}, {action} and record it on GenCare.",
			"Steps for {audience} when a child {sign}: who to tell, what to send and what happens next.",
			"What to do about {name} in office hours, including who to contact in the {team}."})
	case "pathway":
		tmpl = pick(g.r, []string{"Which route to take when a child {sign}: who leads, when to involve the {team} and when to step down to early help.",
			"The route from first concern to support for {name}, and how it links with {term}."})
	case "contact":
		tmpl = pick(g.r, []string{"Contact for {name}: advice on {term} and {term}.",
			"Who to call in the {team} about {concern}, in office hours and out of hours.",
			"Consultations and advice for {audience} on {name}."})
	case "guidance":
		tmpl = pick(g.r, []string{"Practice guidance on {name}: {term}, {term} and what to do when a child {sign}.",
			"What {law} and local policy say about {name}, and how to apply it.",
			"Indicators, language and first steps for {concern}."})
	case "training":
		tmpl = pick(g.r, []string{"{Format} on {name} for {audience}, with dates in 2027.",
			"Training for {audience}: {term}, {term} and the local pathway."})
	case "practice":
		tmpl = pick(g.r, []string{"An anonymised example from {place}: {age} who {sign}, and what the team learned.",
			"How practitioners worked together on {concern} in a {setting}."})
	}
	return g.fill(tmpl)
}

// section is a part of a body: a heading and items of one style.
type section struct {
	heading string
	style   int      // paragraph, bullets or numbered
	lead    []string // the first item comes from here, when set
	pool    []string // each template is used at most once
	used    map[int]bool
	items   []string
	min     int
}

const (
	paragraph = iota
	bullets
	numbered
)

// body composes the Markdown body, between minBodyWords and maxBodyWords.
func (g *gen) body(d *doc) string {
	r := g.r
	var secs []*section
	add := func(heading string, style int, lead, pool []string, min int) *section {
		s := &section{heading: heading, style: style, lead: lead, pool: pool, min: min, used: map[int]bool{}}
		secs = append(secs, s)
		return s
	}
	switch g.kind {
	case "process":
		add("", paragraph, introLeads, introSentences, 2)
		add("Steps", numbered, nil, stepSentences, 4)
		add("What happens next", bullets, nil, nextSentences, 2)
	case "pathway":
		add("", paragraph, introLeads, introSentences, 2)
		add("Routes", bullets, nil, routeSentences, 3)
		add("Who leads", paragraph, nil, leadSentences, 2)
	case "guidance":
		add("", paragraph, introLeads, introSentences, 2)
		add(pick(r, []string{"Key points", "What to look for", "Good practice"}), bullets, nil, keyPointSentences, 3)
		add(pick(r, []string{"What the law says", "Working with families", "Recording"}), paragraph, nil, closingSentences, 2)
	case "training":
		add("", paragraph, []string{"This course is {format} for {audience} who work with children and families in {place}."},
			[]string{"It is free to staff of Generated Vale Council and partner agencies.", "It counts towards your continuing professional development.",
				"You will get a certificate and a short list of local contacts."}, 2)
		add("What it covers", bullets, nil, trainingCoverSentences, 3)
		add("Dates and booking", bullets, []string{"{Date}, {format}."}, []string{"{Date}, at {building}.", "{Date}, {format}.", "{Date}, at {venue}.",
			"Book through the learning portal or email training@generatedvale.example.", "Places are limited to 20 per session."}, 2)
	case "practice":
		add("The concern", paragraph, practiceConcernLeads, practiceConcernSentences, 2)
		add("What the practitioners did", paragraph, nil, practiceDidSentences, 2)
		add("Outcome", paragraph, nil, practiceOutcomeSentences, 1)
		add("Learning", bullets, nil, learningSentences, 2)
	case "contact":
		c := d.contact
		d.title = c.name
		if c.name != c.team {
			d.title = c.name + " – " + c.role + " (" + c.team + ")"
		}
		lead := c.name + " is the " + c.role + " in the " + c.team + ", based at " + pick(r, []string{"{building}", "{venue}"}) + ", {place}."
		if c.name == c.team || strings.HasPrefix(c.name, c.team+" ") {
			lead = "The " + c.team + " answers calls about {name} from {audience} across Generated Vale."
		}
		add("", paragraph, []string{lead}, []string{"Contact them about {name} and {concern}.", "They also advise {audience} on {term}.",
			"They work closely with {partner} and {partner}."}, 2)
		how := []string{"**Phone:** " + c.phone + ".", "**Hours:** " + c.hours + "."}
		if c.email != "" {
			how = append(how, "**Email:** "+c.email+" for written contacts.")
		}
		if c.outOfHours != "" {
			how = append(how, "**Out of hours:** "+c.outOfHours+".")
		}
		how = append(how, "**Immediate danger:** 999 first.")
		add("How to contact", bullets, nil, nil, 0).items = how
		add("Consult them about", bullets, nil, consultSentences, 2)
		if c.bookable {
			add("How to book", paragraph, []string{"Use the **" + c.specialism + "** queue in the practitioner assistant, or email " + c.email + "."},
				[]string{"Send a short summary of the case and your question beforehand.", "Consultations last up to an hour and can be online or in person."}, 1)
		}
	}
	closing := add(pick(r, []string{"Remember", "Further information", "Notes"}), paragraph, nil, closingSentences, 0)

	target := minBodyWords + r.IntN(maxBodyWords-minBodyWords-24)
	total := words("# " + d.title)
	for _, s := range secs {
		if len(s.items) > 0 {
			total += words(s.heading)
		}
		for _, it := range s.items {
			total += words(it)
		}
	}
	// tryAdd adds one item to s: its lead first, then a template of its
	// pool not yet used, if it fits within maxBodyWords.
	tryAdd := func(s *section) bool {
		var it string
		idx := -1
		if len(s.items) == 0 && len(s.lead) > 0 {
			it = g.fill(pick(r, s.lead))
		} else {
			var free []int
			for i := range s.pool {
				if !s.used[i] {
					free = append(free, i)
				}
			}
			if len(free) == 0 {
				return false
			}
			idx = pick(r, free)
			it = g.fill(s.pool[idx])
		}
		n := words(it)
		if len(s.items) == 0 {
			n += words(s.heading) // shown once the section has an item
		}
		if total+n > maxBodyWords {
			return false
		}
		if idx >= 0 {
			s.used[idx] = true
		}
		s.items = append(s.items, it)
		total += n
		return true
	}
	for _, s := range secs {
		for len(s.items) < s.min && tryAdd(s) {
		}
	}
	for fails := 0; total < target && fails < 40; {
		if !tryAdd(pick(r, secs)) {
			fails++
		}
	}
	for _, s := range []*section{closing, secs[0]} {
		for total < minBodyWords && tryAdd(s) {
		}
	}

	var b strings.Builder
	b.WriteString("# " + d.title + "\n")
	for _, s := range secs {
		if len(s.items) == 0 {
			continue
		}
		if s.heading != "" {
			b.WriteString("\n## " + s.heading + "\n")
		}
		b.WriteString("\n")
		switch s.style {
		case paragraph:
			for i := 0; i < len(s.items); i += 3 {
				if i > 0 {
					b.WriteString("\n")
				}
				b.WriteString(strings.Join(s.items[i:min(i+3, len(s.items))], " ") + "\n")
			}
		case bullets:
			for _, it := range s.items {
				b.WriteString("- " + it + "\n")
			}
		case numbered:
			for i, it := range s.items {
				b.WriteString(strconv.Itoa(i+1) + ". " + it + "\n")
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
