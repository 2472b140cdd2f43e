package slack

import (
	"net/http"
	"net/url"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
)

// serveCommands is POST /slack/commands: the slash command is queued and
// acknowledged with an empty 200; the answer follows by its response_url,
// seen only by the practitioner who asked.
func (a *Adapter) serveCommands(w http.ResponseWriter, r *http.Request) error {
	body, err := a.verified(w, r)
	if err != nil {
		return err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return bot.Errorf(bot.EInvalid, "The slash command is not a valid form.")
	}
	if err := a.accept(r.Context(), commandJob(slashCommand(form)), "", queueWait); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// slashCommand reads a slash command's form fields.
func slashCommand(f url.Values) slackapi.SlashCommand {
	return slackapi.SlashCommand{
		TeamID:      f.Get("team_id"),
		ChannelID:   f.Get("channel_id"),
		UserID:      f.Get("user_id"),
		UserName:    f.Get("user_name"),
		Command:     f.Get("command"),
		Text:        f.Get("text"),
		ResponseURL: f.Get("response_url"),
		TriggerID:   f.Get("trigger_id"),
		APIAppID:    f.Get("api_app_id"),
	}
}

// commandJob maps a slash command to a job. "/waymark area Wyvern Vale" is
// Command area with Text "Wyvern Vale"; "/waymark" alone is help; text
// starting with one of the desk's commands is passed on whole, without a Command; any
// other text is a question (Command ask). The trigger_id goes with the job,
// so that a reply's form ("/waymark consult") opens as a modal. The reply is
// always ephemeral: the question was not shown to the channel, so neither
// is the answer. A slash command has no thread: its ThreadID is empty, as
// is that of a button on its answer.
func commandJob(s slackapi.SlashCommand) job {
	cmd, text := parseCommand(cleanText(s.Text, nil))
	m := bot.Message{
		Platform:       bot.PlatformSlack,
		ID:             s.TriggerID,
		ConversationID: s.ChannelID,
		Shared:         sharedConversation(s.ChannelID, ""),
		UserID:         s.UserID,
		UserName:       s.UserName,
		TeamID:         s.TeamID,
		Command:        cmd,
		Text:           text,
		Mentioned:      mentioned(s.Text, s.TeamID, nil),
	}
	return job{msg: m, to: target{channel: s.ChannelID, user: s.UserID, responseURL: s.ResponseURL, ephemeral: true, trigger: s.TriggerID}}
}

// parseCommand reads a slash command's text by bot's one table of
// commands: its first word, when it is a command, and the words after it.
// The desk's commands are passed on whole, without a Command (whether "my
// 15 year old says he will..." is a command depends on what follows, which
// the engine decides by the same rules as for a direct message).
func parseCommand(text string) (cmd, rest string) {
	if text == "" {
		return bot.CmdHelp, ""
	}
	first, rest, _ := strings.Cut(text, " ")
	switch c, desk, ok := bot.CommandWord(first); {
	case ok && desk:
		return "", text
	case ok:
		return c, strings.TrimSpace(rest)
	}
	return bot.CmdAsk, text
}
