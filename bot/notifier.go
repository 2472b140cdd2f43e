package bot

import "context"

// MultiNotifier routes each notification to the notifier of its target's
// platform: Slack posts for Slack people and channels, the web inbox for
// web chat sessions.
type MultiNotifier map[string]Notifier

var (
	_ ThreadReplier  = MultiNotifier(nil)
	_ ReplyHinter    = MultiNotifier(nil)
	_ ThreadNotifier = MultiNotifier(nil)
	_ Updater        = MultiNotifier(nil)
)

// Notify sends r with the notifier of t's platform.
func (m MultiNotifier) Notify(ctx context.Context, t Target, r Reply) error {
	n, ok := m[t.Platform]
	if !ok {
		return Errorf(EInvalid, "Nothing here can deliver to %s.", t.Platform)
	}
	return n.Notify(ctx, t, r)
}

// NotifyThread sends r and returns its thread when the platform's notifier
// has threads; otherwise it sends r and returns no thread.
func (m MultiNotifier) NotifyThread(ctx context.Context, t Target, r Reply) (Thread, error) {
	n, ok := m[t.Platform]
	if !ok {
		return Thread{}, Errorf(EInvalid, "Nothing here can deliver to %s.", t.Platform)
	}
	if tn, ok := n.(ThreadNotifier); ok {
		return tn.NotifyThread(ctx, t, r)
	}
	return Thread{}, n.Notify(ctx, t, r)
}

// Update replaces, with the notifier of t's platform, the message th that
// was posted to t. It returns EInvalid for a platform whose notifier cannot
// change what it posted (the web inbox), so that the caller says it
// another way.
func (m MultiNotifier) Update(ctx context.Context, t Target, th Thread, r Reply) error {
	n, ok := m[t.Platform]
	if !ok {
		return Errorf(EInvalid, "Nothing here can deliver to %s.", t.Platform)
	}
	u, ok := n.(Updater)
	if !ok {
		return Errorf(EInvalid, "What is posted to %s cannot be changed.", t.Platform)
	}
	return u.Update(ctx, t, th, r)
}

// ReplyHint is the hint of p's platform's notifier, or "".
func (m MultiNotifier) ReplyHint(p Person, ref, whom string) string {
	if h, ok := m[p.Platform].(ReplyHinter); ok {
		return h.ReplyHint(p, ref, whom)
	}
	return ""
}

// NotifyInThread posts r in th with the notifier of t's platform, or
// returns EInvalid when that notifier cannot post into threads.
func (m MultiNotifier) NotifyInThread(ctx context.Context, t Target, th Thread, r Reply) error {
	if n, ok := m[t.Platform].(ThreadReplier); ok {
		return n.NotifyInThread(ctx, t, th, r)
	}
	return Errorf(EInvalid, "%s has no threads to post into.", t.Platform)
}
