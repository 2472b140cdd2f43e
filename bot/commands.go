package bot

import "strings"

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
}{
	CmdHelp: {0, false, false}, CmdArea: {4, false, false}, CmdContacts: {2, false, false}, CmdConsult: {1, false, false},
	CmdFeedback: {-1, false, false}, CmdAsk: {-1, false, false},
	CmdMy: {1, false, true}, CmdEscalate: {1, false, true},
	CmdReply: {-1, true, true}, CmdClose: {-1, true, true}, CmdCancel: {1, true, true}, CmdHandOver: {2, true, true},
}

// parseCommand reads a command typed as text ("area Wyvern Vale", "/my").
func parseCommand(text string) (cmd, rest string, ok bool) {
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
	case shape.maxWords >= 0 && n > shape.maxWords:
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
