package slack

import (
	"context"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
)

// HomeView is the App Home tab of a practitioner whose saved area is area
// ("" when none is saved). unavailable says the store could not be asked,
// so the area is unknown. extra blocks (their consultation requests) go
// after the area.
func HomeView(area string, unavailable bool, extra ...slackapi.Block) slackapi.HomeTabViewRequest {
	var areaLine string
	switch {
	case unavailable:
		areaLine = ":warning: I can't reach your saved settings just now. Answers still work; try again later to see your area."
	case area == "":
		areaLine = "*Your area:* not set, so I answer for your council's default area. Set yours with `/waymark area <name>`."
	default:
		areaLine = "*Your area:* " + escape(area) + ". Change it with `/waymark area <name>`."
	}
	blocks := []slackapi.Block{
		slackapi.NewHeaderBlock(plainText("Waymark")),
		mrkdwnSection("I answer questions about your council's safeguarding processes, referral pathways and specialist contacts, " +
			"with links to the source documents and a warning when one is past its review date. When nothing answers, I say so."),
		mrkdwnSection(areaLine),
	}
	if len(extra) > 0 {
		blocks = append(blocks, slackapi.NewDividerBlock(), slackapi.NewHeaderBlock(plainText("Your consultation requests")))
		blocks = append(blocks, extra...)
	}
	blocks = append(blocks,
		slackapi.NewDividerBlock(),
		mrkdwnSection("*How to ask*\n"+
			"• Send me a direct message, or mention me in a channel: I answer in a thread.\n"+
			"• Or type `/waymark` and your question: only you see the answer."),
		mrkdwnSection("*Commands*\n"+
			"• `/waymark help`: what I can do\n"+
			"• `/waymark area [name]`: show or set the area your questions are about\n"+
			"• `/waymark contacts [specialism]`: list contacts, e.g. `/waymark contacts psychology`\n"+
			"• `/waymark consult [specialism]`: book a consultation with a specialist\n"+
			"• `/waymark feedback <comment>`: tell the team that keeps the guidance what would help"),
		slackapi.NewContextBlock("", mrkdwnText(":lock: Never post a child's name, date of birth, address or NHS number. "+
			"Describe the child instead (\"a 14-year-old boy in year 9\").")),
	)
	if len(blocks) > maxHomeBlocks {
		blocks = blocks[:maxHomeBlocks]
	}
	return slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, Blocks: slackapi.Blocks{BlockSet: blocks}}
}

// publishHome publishes the App Home of j's user with views.publish.
func (a *Adapter) publishHome(ctx context.Context, j job) {
	p, err := a.store.Profile(ctx, j.msg.UserKey())
	if err != nil {
		a.log.WarnContext(ctx, "slack: profile unavailable for the App Home", append(j.attrs(), "err", err)...)
	}
	// The practitioner's consultation requests, as the engine lists them
	// for "my", when consultations are set up.
	var requests []slackapi.Block
	my := bot.Message{Platform: bot.PlatformSlack, TeamID: j.msg.TeamID, UserID: j.msg.UserID, UserName: j.msg.UserName,
		ID: j.msg.ID, Command: bot.CmdMy}
	if r, herr := a.h.Handle(ctx, my); herr == nil {
		requests = Blocks(r)
	}
	view := HomeView(p.Area, err != nil, requests...)
	_, err = a.api.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: j.msg.UserID, View: view})
	if err != nil {
		a.log.ErrorContext(ctx, "slack: publishing the App Home failed", append(j.attrs(), "err", err)...)
		return
	}
	a.log.InfoContext(ctx, "slack: App Home published", j.attrs()...)
}
