package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/waymarkhq/waymark/bot"
)

func (a *app) auditCommand() *cobra.Command {
	audit := &cobra.Command{Use: "audit", Short: "The consultation and escalation audit trail"}
	var since string
	export := &cobra.Command{
		Use:   "export --since WHEN",
		Short: "Print every audit entry since WHEN as JSON Lines (WHEN: 2026-11-01, an RFC 3339 time, or a duration ago like 72h)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			from, err := parseSince(since, time.Now())
			if err != nil {
				return err
			}
			store, err := a.configuredStore("audit export")
			if err != nil {
				return err
			}
			defer store.Close()
			enc := json.NewEncoder(a.stdout)
			n := 0
			err = store.AuditSince(cmd.Context(), from, func(e bot.AuditEntry) error {
				n++
				return enc.Encode(auditLine{At: e.At.UTC().Format(time.RFC3339Nano), Ref: e.Ref, Actor: e.Actor, Action: e.Action, Detail: e.Detail})
			})
			if err != nil {
				return fmt.Errorf("audit export: %w", err)
			}
			a.log.Info("audit exported", "entries", n, "since", from.Format(time.RFC3339))
			return nil
		},
	}
	export.Flags().StringVar(&since, "since", "", "export entries at or after this time (required)")
	audit.AddCommand(export)
	return audit
}

// auditLine is one line of the export.
type auditLine struct {
	At     string `json:"at"`
	Ref    string `json:"ref"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
}

// parseSince reads a date, an RFC 3339 time or a duration before now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("audit export needs --since (a date like 2026-11-01, an RFC 3339 time, or a duration like 72h)")
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since %q is not a date (2026-11-01), an RFC 3339 time or a duration (72h)", s)
}
