// Package replytest holds the bot.Reply fixtures the chat adapters' tests
// render, so that Slack, Teams and the web chat are tested on the same
// replies.
package replytest

import (
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// Date is the day s (2006-01-02); it panics on a bad date.
func Date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Full uses every field of a Reply but Form and Ephemeral: notices of every
// kind, answers (one stale, one national) with markup and characters to
// escape, contacts full and sparse, buttons and follow-ups.
func Full() bot.Reply {
	return bot.Reply{
		Text: "Here is what Wyvern Vale's guidance says: (1 of these documents is past its review date: check it with the owner.)",
		Notices: []bot.Notice{
			{Kind: bot.NoticeInfo, Title: "New", Text: "Consultations can now be booked here."},
			{Kind: bot.NoticeUnavailable, Title: "Conversation memory is unavailable", Text: "Answers still work, but follow-up questions, your saved area and feedback will not until it is back."},
			{Kind: bot.NoticePersonalData, Title: "Please remove identifying details", Text: "Your question included a date of birth. Describe the child instead (\"a 14-year-old boy in year 9\")."},
			{Kind: bot.NoticeActNow, Title: "This sounds urgent: act now", Text: "If a child is in immediate danger, call 999 now.\nThen tell the duty manager: Duty Manager Rota, 01632 961000.\nOut of hours: Emergency Duty Team, 01632 961999."},
		},
		Answers: []bot.AnswerCard{
			{
				DocID: "wv-prevent-referral", Title: "Making a Prevent referral in office hours", Kind: bot.KindProcess, Area: "Wyvern Vale",
				Snippet:  "Talk to your **DSL** first, then complete the **Prevent referral** form & send it to the [Prevent team](https://wyvernvale.example/prevent) <same day>.",
				URL:      "https://wyvernvale.example/prevent-referral?a=1&b=2",
				Reviewed: Date("2026-03-01"), ReviewDue: Date("2027-03-01"),
			},
			{
				DocID: "channel", Title: "Channel panels", Kind: bot.KindGuidance, Area: bot.AreaNational,
				Snippet:  "A **Channel** panel decides on support.",
				Reviewed: Date("2023-01-10"), ReviewDue: Date("2024-01-10"), Stale: true, Owner: "Prevent Coordinator",
			},
		},
		Contacts: []bot.ContactCard{
			{
				DocID: "wv-psychologist-adeyemi", Name: "Dr Tola Adeyemi", Role: "Consultant Clinical Psychologist", Team: "Child Psychology Service",
				Organisation: "Wyvern Vale Council", Phone: "01632 961234", Email: "psychology@wyvernvale.example",
				Hours: "Mon-Fri 09:00-17:00", OutOfHours: "01632 961999", Specialism: "psychology", Bookable: true,
			},
			{DocID: "wv-mash", Team: "MASH", Email: "mash@wyvernvale.example",
				Stale: true, ReviewDue: Date("2026-03-30"), Owner: "MASH Team Manager"},
		},
		Buttons: []bot.Button{
			{ActionID: bot.ActionConsult, Label: "Book a Prevent specialist consultation", Value: "prevent", Style: bot.StylePrimary},
			{ActionID: bot.ActionConsult, Label: "Book a psychology consultation", Value: "psychology"},
			{ActionID: bot.ActionHelpful, Label: "Helpful", Value: "0123456789abcdef"},
			{ActionID: bot.ActionNotHelpful, Label: "Not helpful", Value: "0123456789abcdef", Style: bot.StyleDanger},
		},
		FollowUps: []string{"Who do I contact about this?", "What about out of hours?"},
		Ref:       "0123456789abcdef",
	}
}

// BookingForm is the booking form as the desk builds it.
func BookingForm() *bot.Form {
	return &bot.Form{
		ID: bot.ActionBook, Title: "Book a consultation", SubmitLabel: "Send request",
		Fields: []bot.Field{
			{Name: "specialism", Label: "Specialist", Kind: bot.FieldSelect, Value: "psychology", Required: true,
				Options: []bot.Option{{Value: "prevent", Label: "Prevent"}, {Value: "psychology", Label: "Psychology"}}},
			{Name: "urgency", Label: "Urgency", Kind: bot.FieldSelect, Value: bot.UrgencyRoutine, Required: true,
				Options: []bot.Option{{Value: bot.UrgencyRoutine, Label: "Routine"}, {Value: bot.UrgencyUrgent, Label: "Urgent"}}},
			{Name: "question", Label: "Your question", Kind: bot.FieldTextArea, Required: true, MaxLen: 2000,
				Hint: "Describe the child without name, date of birth or address (\"a 14-year-old boy in year 9\")."},
			{Name: "area", Label: "Area", Kind: bot.FieldText, Value: "Wyvern Vale", MaxLen: 100},
			{Name: "times", Label: "Times that suit you", Kind: bot.FieldText, MaxLen: 200, Hint: "e.g. Tuesday afternoon"},
		},
	}
}

// Document is the whole of a document, as the "Show the steps" button
// answers.
func Document() bot.Reply {
	return bot.Reply{
		Text: "The whole of Making a Prevent referral in office hours:",
		Answers: []bot.AnswerCard{{
			DocID: "wv-prevent-referral", Title: "Making a Prevent referral in office hours", Kind: bot.KindProcess, Area: "Wyvern Vale",
			URL: "https://wyvernvale.example/prevent-referral", Reviewed: Date("2026-05-12"), ReviewDue: Date("2027-05-12"), Owner: "Prevent Specialist Social Worker",
			Full: true,
			Snippet: "# Making a Prevent referral in office hours\n\nUse this process when **nobody is in immediate danger**.\n\n## Steps\n\n" +
				"1. **Tell your team manager** the same day, or phone the duty manager on 01632 961 210.\n" +
				"2. **Complete the national Prevent referral form** & send it to [the Prevent team](https://wyvernvale.example/prevent).\n\n" +
				"## What happens next\n\n- A gateway assessment, usually within five working days.",
		}},
		Ephemeral: true,
	}
}
