package bot_test

import (
	"testing"

	"github.com/waymarkhq/waymark/bot"
)

// Every adapter reads commands through CommandWord, so a command added to
// the engine is one everywhere ("handover" was a question in Slack and
// the web chat while their own word lists lacked it).
func TestCommandWord(t *testing.T) {
	for _, tc := range []struct {
		word, cmd string
		desk, ok  bool
	}{
		{"help", bot.CmdHelp, false, true},
		{"/Area", bot.CmdArea, false, true},
		{"ask", bot.CmdAsk, false, true},
		{"contacts", bot.CmdContacts, false, true},
		{"consult", bot.CmdConsult, false, true},
		{"feedback", bot.CmdFeedback, false, true},
		{"my", bot.CmdMy, true, true},
		{"escalate", bot.CmdEscalate, true, true},
		{"reply", bot.CmdReply, true, true},
		{"CLOSE", bot.CmdClose, true, true},
		{"cancel", bot.CmdCancel, true, true},
		{"handover", bot.CmdHandOver, true, true},
		{"/handover", bot.CmdHandOver, true, true},
		{"who", "", false, false},
		{"", "", false, false},
	} {
		cmd, desk, ok := bot.CommandWord(tc.word)
		if cmd != tc.cmd || desk != tc.desk || ok != tc.ok {
			t.Errorf("CommandWord(%q) = %q, %v, %v; want %q, %v, %v", tc.word, cmd, desk, ok, tc.cmd, tc.desk, tc.ok)
		}
	}
}
