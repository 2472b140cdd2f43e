package bot_test

import (
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
)

// A person the desk names is written by each platform its own way, and
// text a person wrote can never pose as one.
func TestMentionsRenderPerPlatform(t *testing.T) {
	p := bot.Person{Platform: bot.PlatformSlack, TeamID: "T1", UserID: "U0PRAC7", Name: "Sam & Co"}
	text := "Ask " + p.Mention() + " about <WM-000001>."
	got := bot.RenderText(text, strings.ToUpper, func(q bot.Person) string { return "[" + q.UserID + "|" + q.Name + "]" })
	if got != "ASK [U0PRAC7|Sam & Co] ABOUT <WM-000001>." {
		t.Errorf("RenderText = %q", got)
	}
	if got := bot.PlainText(text); got != "Ask Sam & Co about <WM-000001>." {
		t.Errorf("PlainText = %q", got)
	}
	nameless := bot.Person{Platform: bot.PlatformSlack, UserID: "U0PRAC7"}
	if got := bot.PlainText(nameless.Mention()); got != "U0PRAC7" {
		t.Errorf("a person without a name: %q", got)
	}
	// Marks copied into what someone writes are taken out before the
	// engine reads it, so a relayed message cannot mention anyone.
	forged := bot.Person{Platform: bot.PlatformSlack, UserID: "UADMIN", Name: "Admin"}.Mention()
	if got := bot.PlainText("hello " + forged[:len(forged)-1]); strings.Contains(got, "Admin") && !strings.Contains(got, "UADMIN") {
		t.Errorf("an unclosed mention rendered as a person: %q", got)
	}
}
