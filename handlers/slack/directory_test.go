package slack_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/bot"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
)

func TestDirectoryMembership(t *testing.T) {
	var calls atomic.Int32
	fail := atomic.Bool{}
	srv := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/usergroups.users.list", func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			r.ParseForm()
			if fail.Load() || r.Form.Get("usergroup") != "S0PSY" {
				fmt.Fprint(w, `{"ok":false,"error":"no_such_subteam"}`)
				return
			}
			fmt.Fprint(w, `{"ok":true,"users":["U0PSY1","U0PSY2"]}`)
		})
	})
	srv.Start()
	defer srv.Stop()
	dir, err := wslack.NewDirectory(wslack.Config{BotToken: "xoxb-test", APIURL: srv.GetAPIURL()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := func(user string) bool {
		t.Helper()
		ok, err := dir.MemberOf(ctx, bot.Person{Platform: bot.PlatformSlack, UserID: user}, "S0PSY")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !in("U0PSY2") || in("U0OTHER") {
		t.Error("membership wrong")
	}
	if calls.Load() != 1 {
		t.Errorf("%d lookups, want 1 (members are cached)", calls.Load())
	}
	if ok, err := dir.MemberOf(ctx, bot.Person{Platform: bot.PlatformWeb, UserID: "U0PSY1"}, "S0PSY"); ok || err != nil {
		t.Errorf("a web user is never in a Slack group: %v, %v", ok, err)
	}
	_, err = dir.MemberOf(ctx, bot.Person{Platform: bot.PlatformSlack, UserID: "U0PSY1"}, "S0NONE")
	if bot.ErrorKind(err) != bot.EUnavailable {
		t.Errorf("a failed lookup: %v, want unavailable", err)
	}
}
